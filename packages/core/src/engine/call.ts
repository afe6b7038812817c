import { isPlainSuccess } from '../classify/classify.js';
import { classify } from '../classify/index.js';
import {
  createPortOneError,
  type ErrorContext,
  isPortOneError,
  type PortOneError,
} from '../errors/index.js';
import type { EventBase, PortOneEventEmitter, PortOneEvents } from '../events.js';
import type { AttemptState, Policy } from '../policy/index.js';
import { redactError, redactUrl } from '../redact.js';
import type { CircuitBreaker, RetryBudget } from '../resilience/index.js';
import type { Classification } from '../types.js';
import { Attempt, type TimedAttempt } from './attempt.js';
import type { FirstAttempt } from './first-attempt.js';
import type { CallEnd } from './run-call.js';
import { AttemptTimeout, CallAbort } from './signals.js';
import type { AttemptContext, AttemptResponse, Operation } from './types.js';

/** What one attempt (or one status lookup) produced. */
export interface AttemptOutcome<R> {
  readonly classification: Classification;
  readonly response?: AttemptResponse<R>;
  readonly cause?: unknown;
}

/** What follows a call's first attempt, given its outcome: one function for every call. */
export type FirstNext = <R>(
  call: Call<R>,
  outcome: AttemptOutcome<R>,
  end: CallEnd,
) => R | Promise<R>;

/** What every call of one engine shares: made once per engine, so a call allocates none of it. */
export interface CallScope {
  readonly events: PortOneEventEmitter;
  /** Clock in ms. */
  readonly now: () => number;
  /** Source of jitter in [0, 1). */
  readonly random: () => number;
  /** The engine's retry budget and circuit breaker. */
  readonly resilience: { readonly budget?: RetryBudget; readonly breaker?: CircuitBreaker };
  /** How a call ends. */
  readonly end: CallEnd;
  /** What follows a first attempt. */
  readonly next: FirstNext;
}

/** A first answer's classification when it is a plain success (see `firstOutcomeOf`). */
const PLAIN_SUCCESS: Classification = Object.freeze({
  kind: 'success',
  series: 'success',
  ambiguous: false,
  code: 2000,
});

/** An event with nothing to add to the call's base fields. */
export const NO_FIELDS = Object.freeze({});

let sequence = 0;
const newOperationId = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `op-${Date.now().toString(36)}-${(++sequence).toString(36)}`;

/**
 * The state of one call through the engine: its clocks, its signal, its counters and its events.
 * Everything with time in it is cleared by `dispose()` when the call settles.
 */
export class Call<R> {
  private cachedId: string | undefined;
  private cachedUrl: string | undefined;
  readonly startedAt: number;
  readonly orderRef: string | undefined;
  attempts = 0;
  retriesUsed = 0;
  polls = 0;
  /** The error of the last failed answer, thrown if the call ends without a better one. */
  lastError: PortOneError | undefined;
  /** The last pending status seen while polling, carried by a pending-timeout error. */
  lastPending: Classification | undefined;
  /** Why the call was cut short, once it was. (A plain field: an AbortController per call is costly.) */
  private cutShort: CallAbort | undefined;
  /** Ends the wait in progress, if any, when the call is cut short. */
  private cancelWait: ((reason: CallAbort) => void) | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Whether the overall deadline's timer is still to be armed. While the first attempt runs, its
   * own timeout ends it before the deadline could (when it is the shorter), so the timer is armed
   * only once the call goes on past that attempt: most calls succeed at once and never need it.
   */
  private deadlineDeferred = false;
  private readonly onCallerAbort: (() => void) | undefined;
  /**
   * The attempt in flight, if any. The call aborts it directly, not through an 'abort'
   * listener: listeners on AbortSignal cost microseconds each on the hot path.
   */
  private attempt: TimedAttempt | undefined;

  constructor(
    readonly operation: Operation<R>,
    readonly policy: Policy,
    /** What the engine's calls share. */
    readonly scope: CallScope,
    /** When the call started; a call made after its first attempt was sent gives that time. */
    startedAt: number = scope.now(),
  ) {
    this.startedAt = startedAt;
    this.orderRef = operation.orderRef;
    const signal = operation.signal;
    if (signal !== undefined) {
      this.onCallerAbort = () => this.abortCall(new CallAbort('caller', signal.reason));
      if (signal.aborted) this.onCallerAbort();
      else signal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    const { attemptTimeoutMs, deadlineMs } = policy.settings;
    if (attemptTimeoutMs < deadlineMs) this.deadlineDeferred = true;
    else this.armDeadline('deadline', deadlineMs);
  }

  /** The call goes on past its first attempt: from here the overall deadline is timed. */
  private goOn(): void {
    if (!this.deadlineDeferred) return;
    this.deadlineDeferred = false;
    this.armDeadline('deadline', this.policy.settings.deadlineMs - this.elapsed());
  }

  /** Cuts the whole call short: its signal, and the attempt in flight. */
  private abortCall(reason: CallAbort): void {
    if (this.cutShort !== undefined) return;
    this.cutShort = reason;
    this.attempt?.abort(reason);
    this.cancelWait?.(reason);
  }

  /** Source of jitter in [0, 1). */
  get random(): () => number {
    return this.scope.random;
  }

  /** The engine's retry budget and circuit breaker, shared by its calls. */
  get resilience(): CallScope['resilience'] {
    return this.scope.resilience;
  }

  private get events(): PortOneEventEmitter {
    return this.scope.events;
  }

  private now(): number {
    return this.scope.now();
  }

  /** Unique per call; made on first use (only events and errors need it). */
  get id(): string {
    this.cachedId ??= newOperationId();
    return this.cachedId;
  }

  /** The request URL, redacted; made on first use. */
  get url(): string {
    this.cachedUrl ??= redactUrl(this.operation.url);
    return this.cachedUrl;
  }

  /** Why the call was cut short (caller, deadline, poll deadline), or undefined. */
  get abortReason(): CallAbort | undefined {
    return this.cutShort;
  }

  elapsed(): number {
    return Math.max(0, this.now() - this.startedAt);
  }

  state(): AttemptState {
    return {
      attempt: this.attempts,
      retriesUsed: this.retriesUsed,
      elapsedMs: this.elapsed(),
      kind: this.operation.kind,
      random: this.random,
      hasOrderRef: this.orderRef !== undefined && this.operation.checkStatus !== undefined,
    };
  }

  /** Once polling starts, the overall deadline gives way to the poll deadline. */
  enterPolling(): void {
    this.deadlineDeferred = false;
    this.armDeadline('poll-deadline', this.policy.settings.pollDeadlineMs);
  }

  private armDeadline(why: 'deadline' | 'poll-deadline', ms: number): void {
    clearTimeout(this.deadlineTimer);
    if (this.cutShort !== undefined) return;
    if (ms <= 0) {
      this.abortCall(new CallAbort(why));
      return;
    }
    this.deadlineTimer = setTimeout(() => this.abortCall(new CallAbort(why)), ms);
  }

  /** Waits, unless the call is cut short first; the timer is cleared either way. */
  sleep(ms: number): Promise<void> {
    this.goOn();
    if (this.cutShort !== undefined) return Promise.reject(this.cutShort);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.cancelWait = undefined;
        resolve();
      }, ms);
      this.cancelWait = (reason) => {
        clearTimeout(timer);
        this.cancelWait = undefined;
        reject(reason);
      };
    });
  }

  base(attempt = this.attempts): EventBase {
    return {
      operationId: this.id,
      attempt,
      elapsedMs: this.elapsed(),
      method: this.operation.method,
      url: this.url,
      ...(this.orderRef === undefined ? {} : { orderRef: this.orderRef }),
    };
  }

  /**
   * Emits `event` with the call's base fields plus `extra`. The payload is only built when
   * someone listens: the happy path of an unobserved engine allocates nothing for events.
   */
  emit<E extends keyof PortOneEvents>(
    event: E,
    extra: Omit<PortOneEvents[E][0], keyof EventBase> & Partial<EventBase>,
  ): void {
    if (!this.events.listening(event)) return;
    const payload = Object.assign(this.base(), extra) as PortOneEvents[E][0];
    (this.events.emit as (name: E, value: PortOneEvents[E][0]) => boolean)(event, payload);
  }

  /** Sends one attempt of the operation itself. */
  send(): Promise<AttemptOutcome<R>> {
    this.attempts++;
    if (this.attempts > 1) this.goOn();
    this.emit('attempt', NO_FIELDS);
    return this.run((context) => this.operation.send(context), true);
  }

  /** The first attempt is in flight: the call, cut short, aborts it directly. */
  track(attempt: TimedAttempt): void {
    this.attempt = attempt;
  }

  /**
   * The first attempt brought `value` (an answer, or the error of none): the call goes on with
   * what `scope.next` makes of its outcome, and the call's promise settles with that. Whatever is
   * thrown on the way (the call cut short, `next` itself) goes through `end.fail`, and the promise
   * rejects with the PortOneError it gives back.
   */
  concludeFirst(attempt: FirstAttempt<R>, answered: boolean, value: unknown): void {
    attempt.dispose();
    this.attempt = undefined;
    const { next, end } = this.scope;
    let result: R | PromiseLike<R>;
    try {
      let outcome: AttemptOutcome<R>;
      if (answered) {
        try {
          outcome = this.firstOutcomeOf(value as AttemptResponse<R>);
        } catch (error) {
          outcome = this.failureOf(error, attempt, true);
        }
      } else {
        outcome = this.failureOf(value, attempt, true);
      }
      result = next(this, outcome, end);
    } catch (thrown) {
      attempt.reject(end.fail(this, thrown));
      return;
    }
    attempt.resolve(result);
  }

  /** Looks a payment up by order ref through the operation's status check. */
  lookup(orderRef: string): Promise<AttemptOutcome<R>> {
    if (this.operation.checkStatus === undefined) {
      throw new TypeError('lookup needs operation.checkStatus');
    }
    // A lookup only ever follows an attempt: the call has gone on past its first.
    this.goOn();
    return this.run(
      ({ signal }) =>
        (this.operation.checkStatus as NonNullable<Operation<R>['checkStatus']>)(orderRef, {
          signal,
        }),
      false,
    );
  }

  /**
   * Runs one request under the per-attempt timeout and the call's signal, and classifies what
   * came back. Throws only the call's own abort (caller, deadline).
   */
  private async run(
    request: (context: AttemptContext) => Promise<AttemptResponse<R>>,
    emitResponse: boolean,
  ): Promise<AttemptOutcome<R>> {
    if (this.cutShort !== undefined) throw this.cutShort;
    const attempt = new Attempt(this.attempts, this.policy.settings.attemptTimeoutMs);
    this.attempt = attempt;
    try {
      return this.outcomeOf(await attempt.run(request), emitResponse);
    } catch (error) {
      return this.failureOf(error, attempt, emitResponse);
    } finally {
      attempt.dispose();
      this.attempt = undefined;
    }
  }

  /**
   * The outcome of a call's first answer. A plain success (most answers) is told from two fields
   * and not read further: what follows a first success reads only that it is one. Anyone
   * listening to `response` gets the answer classified in full, as from every other attempt.
   */
  private firstOutcomeOf(response: AttemptResponse<R>): AttemptOutcome<R> {
    if (isPlainSuccess(response.httpStatus, response.body) && !this.events.listening('response')) {
      return { classification: PLAIN_SUCCESS, response };
    }
    return this.outcomeOf(response, true);
  }

  /** The outcome of an answer that was read: classified, announced, with its cause. */
  private outcomeOf(response: AttemptResponse<R>, emitResponse: boolean): AttemptOutcome<R> {
    const classification = classify({
      httpStatus: response.httpStatus,
      headers: response.headers as Headers,
      body: response.body,
    });
    if (emitResponse) {
      this.emit('response', {
        httpStatus: response.httpStatus,
        kind: classification.kind,
        ...(classification.code === undefined ? {} : { code: classification.code }),
        ...(classification.status === undefined ? {} : { status: classification.status }),
      });
    }
    const cause = classification.kind === 'error' ? this.operation.causeOf?.(response) : undefined;
    return cause === undefined ? { classification, response } : { classification, response, cause };
  }

  /**
   * The outcome of an attempt that brought no answer. Throws instead when the call itself was cut
   * short (that ends everything, not just this attempt), or for a PortOneError raised before
   * anything was sent (a token provider that failed): it is no transport failure, and retrying
   * it would only repeat it.
   */
  private failureOf(
    error: unknown,
    attempt: TimedAttempt,
    emitResponse: boolean,
  ): AttemptOutcome<R> {
    if (this.cutShort !== undefined) throw this.cutShort;
    if (isPortOneError(error)) throw error;
    const classification: Classification =
      attempt.abortedWith instanceof AttemptTimeout
        ? { kind: 'transport', series: 'transport', transport: 'timeout', ambiguous: true }
        : classify({ error });
    if (emitResponse) {
      this.emit('response', { httpStatus: 0, kind: 'transport' });
    }
    return { classification, cause: redactError(error) };
  }

  /** The PortOneError for a classified answer, with this call's context filled in. */
  error(c: Classification, extra: Partial<ErrorContext> = {}): PortOneError {
    const error = createPortOneError(c, {
      attempts: this.attempts,
      orderRef: this.orderRef,
      method: this.operation.method,
      url: this.url,
      customerMessages: this.policy.settings.customerMessages,
      elapsedMs: this.elapsed(),
      timeoutMs: this.policy.settings.attemptTimeoutMs,
      ...extra,
    });
    return error;
  }

  dispose(): void {
    clearTimeout(this.deadlineTimer);
    if (this.onCallerAbort !== undefined) {
      this.operation.signal?.removeEventListener('abort', this.onCallerAbort);
    }
  }
}
