import { vi } from 'vitest';
import { type Engine, PORTONE_EVENT_NAMES, type PortOneEventName } from '../../src/index.js';

export interface Recorded {
  readonly event: PortOneEventName;
  readonly payload: Record<string, unknown>;
}

/** Records every event an engine emits, in order. */
export function record(engine: Engine): Recorded[] {
  const log: Recorded[] = [];
  for (const event of PORTONE_EVENT_NAMES) {
    engine.events.on(event, (payload: unknown) => {
      log.push({ event, payload: payload as Record<string, unknown> });
    });
  }
  return log;
}

/** Runs a call to its end under fake timers; resolves with its value or its error. */
export async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  const caught = promise.catch((error: Error) => error);
  await vi.runAllTimersAsync();
  return caught;
}
