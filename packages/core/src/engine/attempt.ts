import { AttemptTimeout } from './signals.js';
import type { AbortTarget, AttemptContext, AttemptResponse } from './types.js';

/** A target that throws must not keep the attempt from settling. */
function abortQuietly(target: AbortTarget, reason: unknown): void {
  try {
    target.abort(reason);
  } catch {
    // The attempt settles with `reason` all the same.
  }
}

const timeOut = (attempt: TimedAttempt): void =>
  attempt.abort(new AttemptTimeout(attempt.timeoutMs));

/**
 * One request in flight under its own timeout, as the transport sees it (`AttemptContext`), and
 * as the call aborts it. What settles it is the subclass's: `aborted` is told the abort reason.
 *
 * Built for the hot path: one timer, and an AbortController only if the transport reads `signal`
 * (making one is among the costliest steps of a call, and a transport with its own timeout needs
 * none). Fields are assigned in the constructor, not declared with initial values: the
 * constructors are then the only functions run to make one.
 */
export abstract class TimedAttempt implements AttemptContext {
  /** Why the attempt was aborted, once it was. */
  declare abortedWith: unknown;
  /** The timeout's timer, from `startTimer` until the attempt is disposed of. */
  declare protected timer: ReturnType<typeof setTimeout> | undefined;
  declare private controller: AbortController | undefined;
  /** Where the abort is forwarded (the controller of `signal` among them): one, or several. */
  declare private targets: AbortTarget | AbortTarget[] | undefined;

  abstract readonly attempt: number;
  abstract readonly timeoutMs: number;

  constructor() {
    this.abortedWith = undefined;
    this.timer = undefined;
    this.controller = undefined;
    this.targets = undefined;
  }

  get abandoned(): boolean {
    return this.abortedWith !== undefined;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      this.forwardAbortTo(this.controller);
    }
    return this.controller.signal;
  }

  forwardAbortTo(controller: AbortTarget): void {
    if (this.abortedWith !== undefined) {
      abortQuietly(controller, this.abortedWith);
      return;
    }
    const { targets } = this;
    if (targets === undefined) this.targets = controller;
    else if (Array.isArray(targets)) targets.push(controller);
    else this.targets = [targets, controller];
  }

  /**
   * Starts the timeout. A Node timer of its own, not an entry in a list shared by attempts: a
   * timer carries the async context it was made in (AsyncLocalStorage, tracing), so a timed-out
   * attempt goes on in its own call's context. One shared callback, the attempt passed as its
   * argument: no closure per attempt.
   */
  protected startTimer(): void {
    this.timer = setTimeout(timeOut, this.timeoutMs, this);
  }

  /** The attempt was aborted with `reason` before it settled. */
  protected abstract aborted(reason: unknown): void;

  /** Aborts the request (every target, its signal's included) and settles the attempt with `reason`. */
  abort(reason: unknown): void {
    if (this.abortedWith !== undefined) return;
    this.abortedWith = reason;
    const { targets } = this;
    if (targets !== undefined) {
      this.targets = undefined;
      if (Array.isArray(targets)) for (const target of targets) abortQuietly(target, reason);
      else abortQuietly(targets, reason);
    }
    this.aborted(reason);
  }

  /** Clears the timer; the attempt has settled. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.targets = undefined;
  }
}

/**
 * An attempt after a call's first (and any attempt of a call made before sending): it settles
 * with the transport's answer, or with the abort reason the moment it is aborted (its timeout,
 * the caller, the deadline), so a transport that ignores its signal cannot hold the call.
 */
export class Attempt extends TimedAttempt {
  declare private settle: ((reason: unknown) => void) | undefined;
  declare readonly attempt: number;
  declare readonly timeoutMs: number;

  constructor(attempt: number, timeoutMs: number) {
    super();
    this.attempt = attempt;
    this.timeoutMs = timeoutMs;
    this.settle = undefined;
  }

  /** Arms the timeout; `onAbort` receives the abort reason if the attempt is aborted first. */
  arm(onAbort: (reason: unknown) => void): void {
    this.settle = onAbort;
    this.startTimer();
  }

  protected aborted(reason: unknown): void {
    this.settle?.(reason);
  }

  /** Sends through `request`; rejects with the abort reason if aborted first. */
  run<R>(
    request: (context: AttemptContext) => Promise<AttemptResponse<R>>,
  ): Promise<AttemptResponse<R>> {
    return new Promise<AttemptResponse<R>>((resolve, reject) => {
      this.arm(reject);
      let pending: Promise<AttemptResponse<R>>;
      try {
        pending = request(this);
      } catch (error) {
        reject(error);
        return;
      }
      Promise.resolve(pending).then(resolve, reject);
    });
  }

  override dispose(): void {
    super.dispose();
    this.settle = undefined;
  }
}
