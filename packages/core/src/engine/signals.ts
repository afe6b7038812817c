/** Why a call was cut short, carried as the abort reason of the call's own signal. */
export class CallAbort extends Error {
  override name = 'CallAbort' as const;
  constructor(
    /** `caller`: the caller's signal; `deadline`: the overall deadline; `poll-deadline`: polling ran out. */
    readonly why: 'caller' | 'deadline' | 'poll-deadline',
    /** The caller's abort reason, for `caller`. */
    readonly reason?: unknown,
  ) {
    super(`call aborted: ${why}`);
  }
}

/** The abort reason of an attempt whose own timeout fired. */
export class AttemptTimeout extends Error {
  override name = 'AttemptTimeout' as const;
  constructor(readonly timeoutMs: number) {
    super(`attempt timed out after ${timeoutMs} ms`);
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts, whichever
 * comes first, so a transport that ignores its signal cannot hold the call. The losing promise's
 * rejection is absorbed so it never surfaces as an unhandled rejection.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits `ms`, or rejects with the signal's reason the moment it aborts. The timer is cleared either way. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
