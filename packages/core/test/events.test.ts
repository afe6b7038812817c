import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, PORTONE_EVENT_NAMES, type PortOneEventName } from './support/internals.js';
import { scripted } from './support/script.js';

/** Every event a call can emit, and a script that makes the engine emit it. */
const CALLS = [
  // attempt, response, retry, success
  () => scripted([{ code: 5024 }, { code: 2000 }], [], { kind: 'read', method: 'GET' }),
  // lookup, reconcile, poll
  () => scripted([{ code: 5024 }], [{ payment: 'Pending' }, { payment: 'Success' }]),
  // failure, surface
  () => scripted([{ code: 6014 }], [], { kind: 'read', method: 'GET' }),
];

const policy = { minDelayMs: 1, maxDelayMs: 2, pollIntervalMs: 1, pollMaxIntervalMs: 2 };

async function runAll(engine: ReturnType<typeof createEngine>): Promise<unknown[]> {
  const outcomes: unknown[] = [];
  for (const make of CALLS) {
    outcomes.push(await engine.execute(make().operation).catch((error: unknown) => error));
  }
  return outcomes;
}

describe('listeners cannot break a call', () => {
  const unhandled = vi.fn();
  process.on('unhandledRejection', unhandled);
  afterEach(() => {
    unhandled.mockClear();
    vi.restoreAllMocks();
  });

  const failing: [string, (event: PortOneEventName) => () => unknown][] = [
    [
      'throws',
      (event) => () => {
        throw new Error(`sync ${event}`);
      },
    ],
    [
      'rejects',
      (event) => async () => {
        throw new Error(`async ${event}`);
      },
    ],
  ];

  it.each(failing)(
    'a listener that %s on every event is reported once per failure as an error event',
    async (_how, make) => {
      const quiet = createEngine({ policy });
      const baseline = await runAll(quiet);

      const engine = createEngine({ policy });
      const reported: string[] = [];
      const seen = new Set<string>();
      let failures = 0;
      for (const event of PORTONE_EVENT_NAMES) {
        if (event === 'error') continue;
        const fail = make(event);
        engine.on(event, () => {
          failures++;
          return fail();
        });
        engine.on(event, () => {
          seen.add(event);
        });
      }
      engine.on('error', (e) => {
        reported.push(e.event);
      });
      const outcomes = await runAll(engine);
      await new Promise((resolve) => setTimeout(resolve, 10));

      // The same outcomes as an engine nobody listens to, and every other listener still ran.
      expect(outcomes.map(String)).toEqual(baseline.map(String));
      for (const event of [
        'attempt',
        'response',
        'retry',
        'lookup',
        'reconcile',
        'poll',
        'success',
        'failure',
        'surface',
      ]) {
        expect(seen.has(event)).toBe(true);
        expect(reported).toContain(event);
      }
      expect(reported).toHaveLength(failures);
      expect(unhandled).not.toHaveBeenCalled();
    },
  );

  it('reports on console.error when nobody listens to error events, and never rejects', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const engine = createEngine({ policy });
    engine.on('success', async () => {
      throw new Error('listener bug');
    });
    const make = CALLS[0] as (typeof CALLS)[0];
    expect(await engine.execute(make().operation)).toBe('answer:2000');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain("'success'");
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('off removes a guarded listener by the function the user gave', async () => {
    const engine = createEngine({ policy });
    const listener = vi.fn();
    const off = engine.on('attempt', listener);
    engine.events.once('success', listener);
    off();
    const make = CALLS[0] as (typeof CALLS)[0];
    await engine.execute(make().operation);
    await engine.execute(make().operation);
    // Not for attempts (removed); once for the first success only.
    expect(listener).toHaveBeenCalledTimes(1);
    expect(engine.events.listenerCount('attempt')).toBe(0);
  });
});
