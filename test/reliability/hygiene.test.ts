/**
 * Resource hygiene under load: 10,000 calls under 50 % faults through one engine (a fake `send`,
 * real timers), then 1,000 calls through each adapter against the simulator. Afterwards no timer
 * of the SDK is left pending, no listener is left on the caller's AbortSignal or the engine's
 * emitter, the heap has not grown past a stated bound, and no promise rejection went unhandled.
 */
import { getEventListeners, setMaxListeners } from 'node:events';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type AttemptResponse,
  createEngine,
  type Engine,
  isPortOneError,
  type OperationKind,
  PortOneSystemError,
} from '@portone-retry/core';
import { type Simulator, seededRandom, startSimulator } from '@portone-retry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, EVENT_NAMES, makeClient } from './support.js';

// Every rejection nobody handled, for the whole file.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** A forced GC makes the heap bound meaningful; without one the bound is looser but holds. */
const gc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

function heapUsed(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

const activeTimeouts = () =>
  process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

/** Runs `total` tasks with at most `concurrency` in flight. */
async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

/** Counts the live 'abort' listeners of a signal by wrapping its add/remove methods. */
function countListeners(signal: AbortSignal): { live: () => number; added: () => number } {
  // 50 calls in flight share the signal: Node's leak heuristic warns above 10 listeners.
  setMaxListeners(100, signal);
  const live = new Set<unknown>();
  let added = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === 'abort') {
      live.add(listener);
      added++;
    }
    add(type, listener as EventListener, options as AddEventListenerOptions);
  }) as AbortSignal['addEventListener'];
  signal.removeEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === 'abort') live.delete(listener);
    remove(type, listener as EventListener, options as EventListenerOptions);
  }) as AbortSignal['removeEventListener'];
  return { live: () => live.size, added: () => added };
}

const listenerCounts = (engine: Engine) =>
  Object.fromEntries(EVENT_NAMES.map((name) => [name, engine.events.listenerCount(name)]));

// ---------------------------------------------------------------------------------------------

const FAKE_POLICY = {
  retries: 3,
  minDelayMs: 0,
  maxDelayMs: 2,
  attemptTimeoutMs: 15,
  deadlineMs: 500,
  pollIntervalMs: 1,
  pollMaxIntervalMs: 2,
  pollDeadlineMs: 40,
};

const ok = (body: unknown): AttemptResponse<string> => ({
  httpStatus: 200,
  headers: {},
  body,
  raw: 'ok',
});

/**
 * A transport that fails half of all attempts, in every way the engine must clean up after:
 * retryable codes, resets, attempts that hang until their timeout, pending answers to poll.
 */
function fakeTransport(random: () => number) {
  return (signal: AbortSignal): Promise<AttemptResponse<string>> => {
    const roll = random();
    if (roll >= 0.5) {
      return Promise.resolve(ok({ status_code: '2000', content: { status: 'Success' } }));
    }
    if (roll < 0.3) {
      return Promise.resolve({
        httpStatus: 500,
        headers: {},
        body: { status_code: '5024' },
        raw: 'fault',
      });
    }
    if (roll < 0.38)
      return Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    if (roll < 0.42) {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
    }
    if (roll < 0.44) return new Promise(() => {}); // ignores its signal: raceAbort must let go
    return Promise.resolve(ok({ status_code: '1000', content: { status: 'Pending' } }));
  };
}

interface RoundResult {
  resolved: number;
  rejected: number;
  notPortOneErrors: number;
}

async function round(
  engine: Engine,
  calls: number,
  signal: AbortSignal,
  random: () => number,
): Promise<RoundResult> {
  const transport = fakeTransport(random);
  const result: RoundResult = { resolved: 0, rejected: 0, notPortOneErrors: 0 };
  await pool(calls, 50, async (i) => {
    const kind: OperationKind = i % 3 === 0 ? 'create' : 'read';
    // Every tenth call is aborted by its own caller part-way through.
    const own = i % 10 === 9 ? new AbortController() : undefined;
    const giveUp =
      own === undefined ? undefined : setTimeout(() => own.abort(new Error('caller gave up')), 3);
    try {
      await engine.execute<string>({
        method: kind === 'read' ? 'GET' : 'POST',
        url:
          kind === 'read'
            ? `https://api.portone.cloud/api/transaction/H-${i}/status`
            : 'https://api.portone.cloud/api/initiatePayment',
        kind,
        ...(kind === 'create' ? { orderRef: `H-${i}` } : {}),
        signal: own?.signal ?? signal,
        send: ({ signal: attempt }) => transport(attempt),
        checkStatus: (_ref, { signal: lookup }) => transport(lookup),
      });
      result.resolved++;
    } catch (error) {
      result.rejected++;
      if (!isPortOneError(error)) result.notPortOneErrors++;
    } finally {
      // The test's own timer, not the SDK's: it must not count against the baseline.
      clearTimeout(giveUp);
    }
  });
  return result;
}

const HEAP_BOUND_MB = 50;

describe('hygiene under load', () => {
  it(`10,000 calls under 50 % faults (fake send): no timers, no listeners left, heap growth < ${HEAP_BOUND_MB} MB`, async () => {
    // Retries, polls and reconciliation are what leave timers and listeners behind; the retry
    // budget would stop most retries of a run this faulty, so it is off here.
    const engine = createEngine({ policy: FAKE_POLICY, budget: false });
    const random = seededRandom(7);
    let settled = 0;
    engine.on('success', () => settled++);
    engine.on('failure', () => settled++);
    const emitterBefore = listenerCounts(engine);

    // One long-lived signal shared by every call, as a server's shutdown signal would be.
    const shutdown = new AbortController();
    const counted = countListeners(shutdown.signal);

    // Two warm-up rounds so the heap baseline holds compiled code and steady-state caches.
    await round(engine, 1000, shutdown.signal, random);
    await round(engine, 1000, shutdown.signal, random);
    await nextMacrotask();
    const timersBefore = activeTimeouts();
    const heapBefore = heapUsed();
    settled = 0;

    const started = Date.now();
    const result = await round(engine, 10_000, shutdown.signal, random);
    const elapsedMs = Date.now() - started;
    await nextMacrotask();
    const heapGrowthMb = (heapUsed() - heapBefore) / 1_048_576;
    console.log(
      `hygiene: 10,000 calls in ${elapsedMs} ms, ${result.resolved} resolved, ${result.rejected} rejected, heap ${heapGrowthMb.toFixed(1)} MB (${gc ? 'after a forced GC' : 'no GC available'})`,
    );

    expect(result.resolved + result.rejected).toBe(10_000);
    expect(settled).toBe(10_000);
    expect(result.notPortOneErrors).toBe(0);
    // Faults were real: a good share of calls failed even after retries.
    expect(result.rejected).toBeGreaterThan(500);

    expect(activeTimeouts()).toBeLessThanOrEqual(timersBefore);
    // One listener per call on the shared signal (9 calls in 10 use it), each one removed.
    expect(counted.added()).toBe(10_800);
    expect(counted.live()).toBe(0);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    expect(listenerCounts(engine)).toEqual(emitterBefore);
    expect(heapGrowthMb).toBeLessThan(HEAP_BOUND_MB);
    expect(unhandled).toEqual([]);
  }, 30_000);

  for (const adapter of ADAPTERS) {
    it(`${adapter}: 1,000 reads against the simulator under 50 % 5024 faults leave no listeners behind`, async () => {
      const sim: Simulator = await startSimulator({ validate: false });
      try {
        sim.ledger.create('HYGIENE');
        const route = 'GET /api/transaction/HYGIENE/status';
        sim.setFaults({ rate: 0.5, code: 5024, seed: 1, route });
        // The adapter's default engine: the retry budget is on, as users get it.
        const client = makeClient(adapter, sim.url, {
          policy: { minDelayMs: 0, maxDelayMs: 2, attemptTimeoutMs: 2000 },
        });
        let attempts = 0;
        client.engine.on('attempt', () => attempts++);
        const emitterBefore = listenerCounts(client.engine);
        const shutdown = new AbortController();
        const counted = countListeners(shutdown.signal);

        let resolved = 0;
        const errors: unknown[] = [];
        await pool(1000, 50, async () => {
          try {
            const res = await client.get(`${sim.url}/api/transaction/HYGIENE/status`, {
              signal: shutdown.signal,
            });
            expect(res.data).toMatchObject({ content: { status: 'Success' } });
            resolved++;
          } catch (error) {
            errors.push(error);
          }
        });

        expect(resolved + errors.length).toBe(1000);
        // Half the first attempts succeed; how many retries the budget then pays for is the
        // budget's business, not this test's.
        expect(resolved).toBeGreaterThan(400);
        for (const error of errors) {
          expect(error).toBeInstanceOf(PortOneSystemError);
          expect((error as PortOneSystemError).code).toBe(5024);
        }
        expect(sim.requests(route)).toBe(attempts);
        expect(counted.added()).toBe(1000);
        expect(counted.live()).toBe(0);
        expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
        expect(listenerCounts(client.engine)).toEqual(emitterBefore);
        expect(unhandled).toEqual([]);
      } finally {
        await sim.close();
      }
    }, 30_000);
  }
});
