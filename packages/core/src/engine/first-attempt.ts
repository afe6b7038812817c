import { isPlainSuccess } from '../classify/classify.js';
import type { Policy } from '../policy/index.js';
import { TimedAttempt } from './attempt.js';
import { Call, type CallScope, NO_FIELDS } from './call.js';
import type { AttemptResponse, AttemptSink, Operation } from './types.js';

/** What `plainSuccessRaw` gives back for an answer that is not a plain success. */
const NOT_PLAIN: unique symbol = Symbol('not a plain success');

/**
 * The `raw` of an answer that is a plain success (a 2xx whose body says 2000 and no pending
 * payment), or NOT_PLAIN for anything else, however malformed: the `Call` then reads it in full.
 */
function plainSuccessRaw(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return NOT_PLAIN;
  try {
    const answer = value as AttemptResponse<unknown>;
    return isPlainSuccess(answer.httpStatus, answer.body) ? answer.raw : NOT_PLAIN;
  } catch {
    // A getter that throws: the full reading decides.
    return NOT_PLAIN;
  }
}

/**
 * A call's first attempt, holding what its end needs: the operation, the policy, the engine's
 * scope and the call's promise.
 *
 * Most calls succeed at their first attempt. When nothing can cut that attempt short but its own
 * timeout (no caller's signal, a deadline longer than the attempt) and nobody listens to the
 * events of a success, the call is this attempt alone: the `Call`, with its state, clocks and
 * counters, is made only if the answer is not a plain success, or none comes. Its start time is
 * kept, so its errors and events carry the elapsed time from the real start all the same.
 */
export class FirstAttempt<R> extends TimedAttempt implements AttemptSink<R> {
  /** The call, when it was made before sending (see `sendFirst`); else made when needed. */
  declare private readonly call: Call<R> | undefined;
  declare readonly operation: Operation<R>;
  declare readonly policy: Policy;
  declare readonly startedAt: number;
  declare readonly scope: CallScope;
  declare readonly resolve: (value: R | PromiseLike<R>) => void;
  declare readonly reject: (reason: unknown) => void;

  // Fields assigned here, not declared with values: the constructors are the only functions run.
  constructor(
    call: Call<R> | undefined,
    operation: Operation<R>,
    policy: Policy,
    startedAt: number,
    scope: CallScope,
    resolve: (value: R | PromiseLike<R>) => void,
    reject: (reason: unknown) => void,
  ) {
    super();
    this.call = call;
    this.operation = operation;
    this.policy = policy;
    this.startedAt = startedAt;
    this.scope = scope;
    this.resolve = resolve;
    this.reject = reject;
  }

  // Read off what the attempt holds anyway: no fields of their own on the hot path.
  get attempt(): number {
    return 1;
  }

  get timeoutMs(): number {
    return this.policy.settings.attemptTimeoutMs;
  }

  answer(response: AttemptResponse<R>): void {
    this.settleWith(true, response);
  }

  fail(error: unknown): void {
    this.settleWith(false, error);
  }

  protected aborted(reason: unknown): void {
    this.settleWith(false, reason);
  }

  /** Arms the timeout and sends: the outcome comes to `answer` or `fail`, or the abort ends it. */
  start(): void {
    this.startTimer();
    const { operation } = this;
    try {
      if (operation.sendTo !== undefined) {
        operation.sendTo(this, this);
        return;
      }
      const pending = operation.send(this);
      Promise.resolve(pending).then(
        (response) => this.settleWith(true, response),
        (error: unknown) => this.settleWith(false, error),
      );
    } catch (error) {
      this.settleWith(false, error);
    }
  }

  /** Ends a call that no `Call` was made for with its first answer, a plain success. */
  private succeed(raw: R): void {
    // A success is final (decide's first rule). The refund is bookkeeping: the caller's answer
    // does not wait for it, and it never rejects.
    void this.scope.resilience.budget?.onSuccess(undefined);
    this.resolve(raw);
  }

  /**
   * The attempt's first word (an answer, or the error of none) ends it, and disposes of it (its
   * timer is the sign it is open: armed by `start`, cleared here); later ones are late. It
   * never throws (an adapter calls the sink from a promise nobody awaits, and the timer from the
   * event loop): anything thrown on the way rejects the call's promise instead.
   */
  settleWith(answered: boolean, value: unknown): void {
    if (this.timer === undefined) return;
    this.dispose();
    try {
      this.conclude(answered, value);
    } catch (error) {
      this.reject(error);
    }
  }

  /** Ends the call with a plain success, or hands the outcome to its `Call`, made if need be. */
  private conclude(answered: boolean, value: unknown): void {
    let call = this.call;
    if (call === undefined) {
      if (answered) {
        const raw = plainSuccessRaw(value);
        if (raw !== NOT_PLAIN) {
          this.succeed(raw as R);
          return;
        }
      }
      call = new Call(this.operation, this.policy, this.scope, this.startedAt);
      call.attempts = 1;
    }
    call.concludeFirst(this, answered, value);
  }
}

/**
 * Sends a call's first attempt, on the hot path: one promise, one timer, and the outcome handed
 * straight to the attempt (through `sendTo`), or the transport's promise with one `then`. The
 * call's promise settles with what comes of the answer (for a plain success, the answer itself).
 * A `Call` is made before sending only when the attempt can be cut short by something other than
 * its timeout (a caller's signal; a deadline no longer than the attempt's timeout), or when
 * someone listens to `attempt`, `response` or `success`.
 */
export function sendFirst<R>(
  operation: Operation<R>,
  policy: Policy,
  scope: CallScope,
): Promise<R> {
  const startedAt = scope.now();
  const { attemptTimeoutMs, deadlineMs } = policy.settings;
  let call: Call<R> | undefined;
  if (
    operation.signal !== undefined ||
    attemptTimeoutMs >= deadlineMs ||
    scope.events.observesSuccess()
  ) {
    call = new Call(operation, policy, scope, startedAt);
    call.attempts = 1;
    call.emit('attempt', NO_FIELDS);
    const cutShort = call.abortReason;
    if (cutShort !== undefined) return Promise.reject(scope.end.fail(call, cutShort));
  }
  const made = call;
  return new Promise<R>((resolve, reject) => {
    const attempt = new FirstAttempt<R>(made, operation, policy, startedAt, scope, resolve, reject);
    made?.track(attempt);
    attempt.start();
  });
}
