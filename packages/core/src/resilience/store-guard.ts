/**
 * A time limit of the SDK's own on every store call the budget and the breaker make. A Redis
 * that is down or frozen must not hold a payment: ioredis's defaults retry a command for tens of
 * seconds, and a SIGSTOPped server never answers at all. Past the limit (or on an error, or
 * when the caller's signal aborts) the component decides locally, and the store's late answer
 * is dropped without an unhandled rejection.
 */

/** Which component's store calls fell back or recovered. */
export type StoreComponent = 'budget' | 'breaker';

/** What `onStoreHealth` receives: once when a component falls back, once when it recovers. */
export interface StoreHealthEvent {
  readonly component: StoreComponent;
  readonly state: 'fallback' | 'recovered';
  /** Why it fell back: the store's error, or a `StoreTimeoutError`. */
  readonly error?: unknown;
}

/** The store did not answer within `storeTimeoutMs`. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the resilience store did not answer within ${timeoutMs} ms`);
  }
}

/** Thrown by `StoreGuard.call` when the caller must decide locally; never leaves the component. */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

/**
 * The default time limit. A Redis round trip in one data centre takes well under 5 ms, so
 * 150 ms is 30 slow answers' worth of patience, and still small against PortOne's own
 * 100 ms-and-more answers and a call deadline of seconds.
 */
export const DEFAULT_STORE_TIMEOUT_MS = 150;

export interface StoreGuard {
  /**
   * Runs one store operation within the time limit and `signal`. Rejects with
   * `StoreUnavailable` when it failed, timed out or was aborted, or at once while the store is
   * known to be failing (then the operation runs in the background, one at a time, to find out
   * when it recovers).
   */
  call<T>(operation: () => Promise<T> | T, signal?: AbortSignal): Promise<T>;
}

const ignore = (): void => {};

export function createStoreGuard(
  component: StoreComponent,
  timeoutMs: number,
  onStoreHealth: ((event: StoreHealthEvent) => void) | undefined,
): StoreGuard {
  let healthy = true;
  let probing = false;

  const report = (event: StoreHealthEvent) => {
    // A listener that throws must not turn a local decision into a failed payment.
    try {
      onStoreHealth?.(event);
    } catch {}
  };
  const fellBack = (error: unknown) => {
    if (!healthy) return;
    healthy = false;
    report({ component, state: 'fallback', error });
  };
  const recovered = () => {
    if (healthy) return;
    healthy = true;
    report({ component, state: 'recovered' });
  };

  const start = <T>(operation: () => Promise<T> | T): Promise<T> => {
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(operation());
    } catch (error) {
      pending = Promise.reject(error);
    }
    // A store answer that comes after the decision was made, or never, is dropped here.
    pending.then(recovered, ignore);
    return pending;
  };

  /** `pending` within the time limit and `signal`. */
  const bounded = <T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        fellBack(new StoreTimeoutError(timeoutMs));
        reject(new StoreUnavailable('timeout'));
      }, timeoutMs);
      // Node: a pending store call must not keep the process alive.
      (timer as { unref?: () => void }).unref?.();
      const onAbort = () => {
        done();
        // The caller gave up, not the store: no health change.
        reject(new StoreUnavailable('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      pending.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          fellBack(error);
          reject(new StoreUnavailable('error'));
        },
      );
    });

  return {
    call(operation, signal) {
      if (signal?.aborted) return Promise.reject(new StoreUnavailable('aborted'));
      if (!healthy) {
        // Decide locally at once; one operation at a time finds out whether the store is back
        // (its success reports the recovery), bounded so a frozen store frees the slot.
        if (!probing) {
          probing = true;
          bounded(start(operation), undefined)
            .catch(ignore)
            .finally(() => {
              probing = false;
            });
        }
        return Promise.reject(new StoreUnavailable('fallback'));
      }
      return bounded(start(operation), signal);
    },
  };
}
