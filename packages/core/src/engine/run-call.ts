import pRetry from 'p-retry';
import { PortOneCircuitOpenError, type PortOneError } from '../errors/index.js';
import { type Decision, decide, type Policy } from '../policy/index.js';
import { breakerKeyOf, breakerOutcomeOf, type RetryKind } from '../resilience/index.js';
import type { Classification } from '../types.js';
import { type AttemptOutcome, Call, type CallScope } from './call.js';
import { Again, MAX_LOOP, Stop } from './control.js';
import { sendFirst } from './first-attempt.js';
import { pollUntilSettled } from './poll-until-settled.js';
import { canReconcile, type ReconcileMode, reconcile } from './reconcile.js';
import type { Operation } from './types.js';

const SUCCEED: Decision = { type: 'succeed' };

/** PortOne refused the token itself (4054), or a 401 came without a code. */
function tokenRejected(c: Classification): boolean {
  return c.code === 4054 || (c.httpStatus === 401 && c.code === undefined);
}

/** The last answer that failed, kept to rebuild its error with a note. */
interface Failure {
  readonly classification: Classification;
  readonly cause: unknown;
}

/** A request whose body cannot be sent twice ends here, with the reason in the message. */
function stopIfNotReplayable<R>(call: Call<R>, failure: Failure): void {
  const reason = call.operation.notReplayable;
  if (reason === undefined) return;
  throw new Stop(
    call.error(failure.classification, { cause: failure.cause, note: `not retried: ${reason}` }),
  );
}

/** Resilience state lives in a store that may be remote: its failure never fails a payment. */
async function orDefault<T>(work: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await work();
  } catch {
    return fallback;
  }
}

/** What the engine does when a call ends: shared by its calls, so a call allocates nothing for it. */
export interface CallEnd {
  /** Disposes of the call, announces its success, and gives back its answer. */
  succeed<R>(call: Call<R>, raw: R): R;
  /** Disposes of the call, announces its failure, and gives back the one PortOneError it ends with. */
  fail<R>(call: Call<R>, thrown: unknown): PortOneError;
}

/**
 * Runs a call to its end, `end` included. Most calls succeed at their first attempt: without a
 * circuit breaker to ask first, that attempt is sent directly (see `sendFirst`), and the rounds
 * below (with their state and closures, which would otherwise live as long as the request is in
 * flight) are set up only when its answer is not a success.
 */
export function runCall<R>(operation: Operation<R>, policy: Policy, scope: CallScope): Promise<R> {
  if (scope.resilience.breaker === undefined) return sendFirst(operation, policy, scope);
  const call = new Call(operation, policy, scope);
  try {
    return settled(call, scope.end, runRounds(call, undefined));
  } catch (thrown) {
    return Promise.reject(scope.end.fail(call, thrown));
  }
}

/** What follows a call's first attempt, sent directly (one function for every call). */
export function afterFirst<R>(
  call: Call<R>,
  first: AttemptOutcome<R>,
  end: CallEnd,
): R | Promise<R> {
  if (first.classification.kind !== 'success') return settled(call, end, runRounds(call, first));
  // A success is final (decide's first rule). The refund is bookkeeping: the caller's answer
  // does not wait for it (a remote store would otherwise add a round trip to every successful
  // call), and it never rejects (a store that fails it is ignored).
  void call.resilience.budget?.onSuccess(undefined);
  return end.succeed(call, (first.response as NonNullable<typeof first.response>).raw);
}

/** The rounds' promise, ended as the call ends. */
function settled<R>(call: Call<R>, end: CallEnd, rounds: Promise<R>): Promise<R> {
  return rounds.then(
    (raw) => end.succeed(call, raw),
    (thrown: unknown) => {
      throw end.fail(call, thrown);
    },
  );
}

/**
 * Runs a call on p-retry: each round sends (or first reconciles), classifies, decides, and either
 * returns, throws `Stop`, or throws `Again` to wait and go round. p-retry's own delay is zero; the
 * decided wait happens in `onFailedAttempt`, abortable by the call's signal. `first` is the
 * outcome of a first attempt already sent, which the first round decides on instead of sending.
 */
async function runRounds<R>(call: Call<R>, first: AttemptOutcome<R> | undefined): Promise<R> {
  let firstOutcome = first;
  let pendingReconcile: ReconcileMode | undefined;
  let lastFailure: Failure | undefined;
  let authRefreshed = false;
  let lastRetry: RetryKind | undefined;
  const { budget, breaker } = call.resilience;
  const channel = call.operation.channel;
  // Only a configured breaker needs the key (it parses the URL).
  const breakerKey =
    breaker === undefined
      ? ''
      : breakerKeyOf(
          call.operation.method,
          call.operation.url,
          channel === undefined ? undefined : { pmt_channel: channel },
        );

  const round = async (): Promise<R> => {
    if (pendingReconcile !== undefined && canReconcile(call)) {
      const mode = pendingReconcile;
      const found = await reconcile(
        call,
        mode,
        call.lastError as NonNullable<typeof call.lastError>,
      );
      if (found.settled) return found.raw;
      pendingReconcile = undefined;
      stopIfNotReplayable(call, lastFailure as Failure);
    }

    if (breaker !== undefined) {
      const verdict = await orDefault(() => breaker.acquire(breakerKey), {
        allowed: true,
        state: 'closed' as const,
      });
      if (!verdict.allowed) {
        throw new Stop(
          new PortOneCircuitOpenError({
            message: `the circuit for ${breakerKey} is open after repeated failures; not sent`,
            series: 'transport',
            outcome: 'fail',
            attempts: call.attempts,
            orderRef: call.orderRef,
            method: call.operation.method,
            url: call.url,
            key: breakerKey,
            retryAfterMs: verdict.retryAfterMs,
          }),
        );
      }
    }
    let outcome: AttemptOutcome<R>;
    if (firstOutcome === undefined) outcome = await call.send();
    else {
      outcome = firstOutcome;
      firstOutcome = undefined;
    }
    const { classification, response, cause } = outcome;
    if (breaker !== undefined) {
      const outcome = breakerOutcomeOf(classification);
      await orDefault(() => breaker.record(breakerKey, outcome), undefined);
    }
    // An expired or missing token is renewed once and the request sent again: PortOne
    // refused it before doing anything, so the re-send is safe even for a create.
    if (
      !authRefreshed &&
      call.operation.refreshAuth !== undefined &&
      tokenRejected(classification)
    ) {
      authRefreshed = true;
      await call.operation.refreshAuth();
      throw new Again(
        0,
        call.error(classification, { cause }),
        'token rejected; renewed once',
        false,
      );
    }
    // A success is final (decide's first rule), so it needs no attempt state.
    const decision =
      classification.kind === 'success'
        ? SUCCEED
        : decide(classification, call.policy, call.state());
    switch (decision.type) {
      case 'succeed':
        return (response as NonNullable<typeof response>).raw;
      case 'poll':
        return pollUntilSettled(call, classification);
      case 'surface':
        throw new Stop(call.error(classification, { cause, outcome: 'surface' }));
      case 'fail':
        if (decision.unreconciled) {
          call.emit('reconcile', { found: false, action: 'fail' });
        }
        throw new Stop(call.error(classification, { cause, note: decision.note }));
      case 'retry': {
        const error = call.error(classification, { cause, outcome: 'retry' });
        call.lastError = error;
        lastFailure = { classification, cause };
        stopIfNotReplayable(call, lastFailure);
        throw new Again(decision.delayMs, error, decision.reason);
      }
      case 'reconcile': {
        const duplicate = classification.info?.tags.includes('duplicate') === true;
        const error = call.error(classification, {
          cause,
          outcome: duplicate ? 'fail' : 'retry',
        });
        call.lastError = error;
        lastFailure = { classification, cause };
        if (!canReconcile(call)) {
          // Without an order ref and a status check, an ambiguous create is never sent again.
          throw new Stop(
            call.error(classification, {
              cause,
              outcome: 'fail',
              note: 'not re-sent: the request has no merchant order ref to reconcile it by',
            }),
          );
        }
        pendingReconcile = duplicate ? 'duplicate' : 'ambiguous';
        throw new Again(decision.delayMs, error, decision.reason);
      }
    }
  };

  /** Between rounds: spend the retry budget, announce the retry, wait. Anything else ends the call. */
  const onFailedAttempt = async (error: unknown): Promise<void> => {
    if (!(error instanceof Again)) throw error;
    if (budget !== undefined && error.budgeted) {
      const kind = error.error.name === 'PortOneTimeoutError' ? 'timeout' : 'retry';
      if (!(await orDefault(() => budget.tryAcquire(kind), true))) {
        const available = await orDefault(() => budget.available(), 0);
        call.emit('budget', { available });
        const note =
          'not retried: the retry budget is spent (PortOne or the PSP is failing widely)';
        throw new Stop(
          lastFailure === undefined
            ? error.error
            : call.error(lastFailure.classification, { cause: lastFailure.cause, note }),
        );
      }
      lastRetry = kind;
    }
    call.retriesUsed++;
    call.emit('retry', { delayMs: error.delayMs, error: error.error, reason: error.reason });
    await call.sleep(error.delayMs);
  };

  let raw: R;
  try {
    // Most calls succeed at once: the first round runs directly, and p-retry takes over only
    // when a retry is decided.
    raw = await round();
  } catch (first) {
    await onFailedAttempt(first);
    raw = await pRetry(round, {
      retries: MAX_LOOP,
      minTimeout: 0,
      factor: 1,
      onFailedAttempt: ({ error }) => onFailedAttempt(error),
    });
  }
  if (budget !== undefined) void budget.onSuccess(lastRetry);
  return raw;
}
