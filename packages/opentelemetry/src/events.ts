import type { Engine, PortOneEvents } from '@portone-retry/core';

/** The payload of each engine event this package listens to. */
export type ObservedEvents = { [E in keyof PortOneEvents]: PortOneEvents[E][0] };

/** What `instrument` needs of an engine: its public `on`, which returns the unsubscribe. */
export type Observable = Pick<Engine, 'on'>;

/** Subscribes to one engine event. */
export function subscribe<E extends keyof ObservedEvents>(
  engine: Observable,
  event: E,
  listener: (payload: ObservedEvents[E]) => void,
): () => void {
  return engine.on(event, listener as never);
}
