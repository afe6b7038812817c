import pRetry from 'p-retry';
import { isPortOneError, PortOneCircuitOpenError, type PortOneError } from '../errors/index.js';
import { backoffDelay, decide } from '../policy/index.js';
import type { RetryKind } from '../resilience/index.js';
import type { Classification } from '../types.js';
import { type AttemptOutcome, runAttempt } from './attempt.js';
import type { Call } from './call.js';
import { breakerKeyOfCall, fail, orDefault, type Resolution, succeed } from './end-call.js';
import { closeIntent, failureOutcome, openIntent } from './journal.js';
import { terminalFailure } from './settle.js';
import type { SettledBy } from './types.js';
import { pollDelay, retryCeiling } from './waits.js';

/**
 * One call's life, top to bottom: a loop of steps run on p-retry. Each step sends the request
 * (after asking the breaker), or looks the payment up, or polls it; its answer is classified
 * and decided on; the decision ends the call (resolve, fail, surface) or names the next step and
 * the wait before it. p-retry counts the re-sends against the policy's ceiling, stops at the
 * call's signal (caller, deadline), and runs the hook between steps, where the retry budget is
 * spent, the event is emitted and the decided wait is waited.
 */

/** What the loop does at its next step. */
type Step =
  /** Send the request (again). */
  | 'send'
  /** Look an outcome-unknown create up by its merchant order ref before anything is re-sent. */
  | 'look-up'
  /** Look up a create that PortOne called a duplicate after a retry: the first attempt went through. */
  | 'look-up-duplicate'
  /** Check a pending payment again. */
  | 'poll';

/** Where a failed step leads: the next step, after how long, and why. */
interface Next {
  readonly step: Step;
  readonly delayMs: number;
  readonly reason: string;
  /** Whether this step re-sends the request and so spends a retry and the retry budget. */
  readonly resends: boolean;
  /** The failure that led here, to rebuild its error with a note if the call ends instead. */
  readonly failure: Failure;
}

interface Failure {
  readonly classification: Classification;
  readonly cause?: unknown;
}

/** How one step ended. */
type StepResult<R> =
  | ({ readonly type: 'resolve' } & Resolution<R>)
  | { readonly type: 'reject'; readonly error: PortOneError }
  | { readonly type: 'continue'; readonly error: PortOneError; readonly next: Next };

export async function runCall<R>(call: Call<R>): Promise<R> {
  let next: Next | undefined;
  /** An error decided between steps (the budget refused a re-send): the call ends with it. */
  let ending: PortOneError | undefined;
  await openIntent(call);
  try {
    const settled = await pRetry(
      async () => {
        const step = next?.step ?? 'send';
        next = undefined;
        const result = await take(call, step);
        if (result.type === 'resolve') return result;
        if (result.type === 'continue') next = result.next;
        throw result.error;
      },
      {
        // The ceiling of re-sends; each answer's own rule is applied by `decide`. Lookups, polls
        // and a renewed token re-send nothing of the caller's and consume none.
        retries: retryCeiling(call.policy),
        signal: call.signal,
        // The decided wait (backoff with jitter, Retry-After, poll interval) is waited in the hook.
        minTimeout: 0,
        onFailedAttempt: async () => {
          if (next === undefined) return;
          ending = await spendRetry(call, next);
          if (ending !== undefined) {
            next = undefined;
            return;
          }
          announce(call, next);
          await call.wait(next.delayMs);
        },
        shouldConsumeRetry: () => next?.resends ?? true,
        shouldRetry: () => next !== undefined,
      },
    );
    const raw = await succeed(call, settled);
    const status = settled.c.paymentStatus;
    await closeIntent(call, {
      settledBy: settled.settledBy,
      ...(status === undefined ? {} : { status }),
    });
    return raw;
  } catch (thrown) {
    const error = await fail(call, ending ?? thrown);
    await closeIntent(call, failureOutcome(call, error));
    throw error;
  } finally {
    call.dispose();
  }
}

/** Runs one step of the loop. */
function take<R>(call: Call<R>, step: Step): Promise<StepResult<R>> {
  switch (step) {
    case 'send':
      return send(call);
    case 'look-up':
      return settleUnknown(call, 'ambiguous');
    case 'look-up-duplicate':
      return settleUnknown(call, 'duplicate');
    case 'poll':
      return poll(call);
  }
}

/** Sends the request once and decides on its answer. */
async function send<R>(call: Call<R>): Promise<StepResult<R>> {
  const { operation } = call;
  const refused = await askBreaker(call);
  if (refused !== undefined) return { type: 'reject', error: refused };

  call.attempts++;
  call.emit('attempt', {});
  let outcome: AttemptOutcome<R>;
  try {
    outcome = await runAttempt(call, call.attempts, (context) => operation.send(context));
  } catch (error) {
    // Nothing was sent (no token could be had), or the call itself was cut short.
    if (isPortOneError(error)) return { type: 'reject', error };
    throw error;
  }
  const c = outcome.classification;
  call.lastSent = c;
  if (outcome.response !== undefined) call.lastRaw = outcome.response.raw;
  emitResponse(call, outcome);
  const failure = failureOf(call, outcome);
  const error = (extra: Parameters<Call<R>['error']>[1] = {}) =>
    call.error(c, { cause: failure.cause, ...extra });

  // An expired or missing token is renewed once and the request sent again: PortOne refused it
  // before doing anything, so the re-send is safe even for a create.
  if (!call.tokenRenewed && operation.refreshAuth !== undefined && tokenRejected(c)) {
    call.tokenRenewed = true;
    await operation.refreshAuth();
    return goOn(call, error(), {
      step: 'send',
      delayMs: 0,
      reason: 'token rejected; renewed once',
      resends: false,
      failure,
    });
  }

  const decision = decide(c, call.policy, call.state());
  switch (decision.type) {
    case 'succeed':
      return {
        type: 'resolve',
        raw: (outcome.response as NonNullable<typeof outcome.response>).raw,
        settledBy: 'answer',
        c,
      };
    case 'poll':
      return startPolling(call, c, error());
    case 'surface':
      return { type: 'reject', error: error({ outcome: 'surface' }) };
    case 'fail':
      if (decision.unreconciled) call.emit('reconcile', { found: false, action: 'fail' });
      return { type: 'reject', error: error({ note: decision.note }) };
    case 'retry':
      return goOn(call, error({ outcome: 'retry' }), {
        step: 'send',
        delayMs: decision.delayMs,
        reason: decision.reason,
        resends: true,
        failure,
      });
    case 'reconcile': {
      const duplicate = c.info?.tags.includes('duplicate') === true;
      call.unsettled = failure;
      return goOn(call, error({ outcome: duplicate ? 'fail' : 'retry' }), {
        step: duplicate ? 'look-up-duplicate' : 'look-up',
        delayMs: decision.delayMs,
        reason: decision.reason,
        resends: false,
        failure,
      });
    }
  }
}

/**
 * Settles a create whose outcome is unknown (or that PortOne called a duplicate after a retry)
 * by looking it up by merchant order ref. A payment that exists is followed — Success resolves,
 * Pending is polled, Failed/Expired rejects — and is never created again. One that does not
 * exist is sent again; after a duplicate answer it is not (that would only be refused again).
 * A lookup that itself fails is tried again, never answered with a blind re-send.
 */
async function settleUnknown<R>(
  call: Call<R>,
  why: 'ambiguous' | 'duplicate',
): Promise<StepResult<R>> {
  const original = call.lastError as PortOneError;
  const orderRef = call.orderRef as string;
  const outcome = await lookUp(call, 'reconcile');
  const c = outcome.classification;

  if (c.paymentStatus !== undefined) {
    call.lookupFailures = 0;
    call.unsettled = undefined;
    call.emit('reconcile', { orderRef, found: true, action: 'follow', status: c.paymentStatus });
    return followStatus(call, outcome, 'lookup');
  }

  if (saysNotFound(c)) {
    if (why === 'duplicate') {
      call.emit('reconcile', { orderRef, found: false, action: 'fail' });
      return { type: 'reject', error: original };
    }
    call.emit('reconcile', { orderRef, found: false, action: 'resend' });
    call.lookupFailures = 0;
    return goOn(call, original, {
      step: 'send',
      delayMs: 0,
      reason: 'not found by its order ref; sending again',
      resends: true,
      failure: call.unsettled ?? { classification: c },
    });
  }

  // The lookup itself failed (in transit, a 5xx): look up again, never re-send blind.
  call.lookupFailures++;
  const settings = call.policy.settings;
  const delayMs = backoffDelay(
    call.lookupFailures - 1,
    settings.minDelayMs,
    settings.maxDelayMs,
    call.scope.random,
  );
  if (call.lookupFailures > settings.retries || call.elapsed() + delayMs >= settings.deadlineMs) {
    call.emit('reconcile', { orderRef, found: false, action: 'fail' });
    return { type: 'reject', error: original };
  }
  return goOn(call, original, {
    step: why === 'duplicate' ? 'look-up-duplicate' : 'look-up',
    delayMs,
    reason: 'status lookup failed; looking up again',
    resends: false,
    failure: { classification: c },
  });
}

/** Checks a pending payment again: by lookup when it can be looked up, else by re-sending a read. */
async function poll<R>(call: Call<R>): Promise<StepResult<R>> {
  const webhook = settledByWebhook(call);
  if (webhook !== undefined) return webhook;
  call.polls++;
  let outcome: AttemptOutcome<R>;
  if (call.canLookUp) outcome = await lookUp(call, 'poll');
  else {
    call.attempts++;
    call.emit('attempt', {});
    outcome = await runAttempt(call, call.attempts, (context) => call.operation.send(context));
    emitResponse(call, outcome);
  }
  const c = outcome.classification;
  if (c.paymentStatus !== undefined && c.paymentStatus !== 'Pending')
    return followStatus(call, outcome, 'poll');
  if (c.kind === 'success' && !call.canLookUp) {
    const raw = (outcome.response as NonNullable<typeof outcome.response>).raw;
    return { type: 'resolve', raw, settledBy: 'poll', c };
  }
  // Pending, or a lookup that failed in transit: keep the last real status and go on.
  if (c.kind === 'pending') call.lastPending = c;
  const last = call.lastPending as Classification;
  return goOn(call, call.error(last), {
    step: 'poll',
    delayMs: pollDelay(call),
    reason: 'still pending',
    resends: false,
    failure: { classification: last },
  });
}

/** A pending answer: the payment is followed by polling until it settles or the poll deadline. */
function startPolling<R>(call: Call<R>, c: Classification, error: PortOneError): StepResult<R> {
  if (!call.canLookUp && call.operation.kind !== 'read') {
    return {
      type: 'reject',
      error: call.error(c, {
        message: 'the payment is pending and no status check is configured to follow it',
      }),
    };
  }
  call.enterPolling();
  call.lastPending = c;
  return goOn(call, error, {
    step: 'poll',
    delayMs: pollDelay(call),
    reason: 'pending',
    resends: false,
    failure: { classification: c },
  });
}

/** A status answer settles the call: Success resolves, Pending is polled, Failed/Expired rejects. */
function followStatus<R>(call: Call<R>, outcome: AttemptOutcome<R>, by: SettledBy): StepResult<R> {
  const c = outcome.classification;
  if (c.paymentStatus === 'Success') {
    return {
      type: 'resolve',
      raw: (outcome.response as NonNullable<typeof outcome.response>).raw,
      settledBy: by,
      c,
    };
  }
  if (c.paymentStatus === 'Pending') return startPolling(call, c, call.error(c));
  return {
    type: 'reject',
    error: call.error(terminalFailure(c, call.orderRef), { outcome: 'surface' }),
  };
}

/** A webhook delivered the payment's final status while the call waited: no lookup is needed. */
function settledByWebhook<R>(call: Call<R>): StepResult<R> | undefined {
  const status = call.settledStatus;
  if (status === undefined || status === 'Pending') return undefined;
  const c: Classification = {
    kind: 'success',
    series: 'success',
    ambiguous: false,
    paymentStatus: status,
  };
  if (status === 'Success' && call.lastRaw !== undefined) {
    return { type: 'resolve', raw: call.lastRaw, settledBy: 'webhook', c };
  }
  if (status === 'Success') return undefined;
  return {
    type: 'reject',
    error: call.error(terminalFailure(c, call.orderRef), {
      outcome: 'surface',
      note: 'settled by a webhook',
    }),
  };
}

/** Looks the payment up by merchant order ref; a lookup that cannot be made is a failed one. */
async function lookUp<R>(call: Call<R>, purpose: 'reconcile' | 'poll'): Promise<AttemptOutcome<R>> {
  const orderRef = call.orderRef as string;
  const check = call.operation.checkStatus as NonNullable<typeof call.operation.checkStatus>;
  let outcome: AttemptOutcome<R>;
  try {
    outcome = await runAttempt(call, call.attempts, ({ signal }) => check(orderRef, { signal }));
  } catch (error) {
    // A token that could not be had for the lookup: nothing was sent, and nothing was learnt.
    if (!isPortOneError(error)) throw error;
    outcome = {
      classification: {
        kind: 'transport',
        series: 'transport',
        transport: 'not-sent',
        ambiguous: false,
      },
      cause: error,
      durationMs: 0,
    };
  }
  const c = outcome.classification;
  if (outcome.response !== undefined && c.kind === 'success') call.lastRaw = outcome.response.raw;
  const found = c.paymentStatus !== undefined ? true : saysNotFound(c) ? false : undefined;
  call.emit('lookup', {
    orderRef,
    purpose,
    durationMs: outcome.durationMs,
    httpStatus: c.httpStatus ?? 0,
    ...(c.paymentStatus === undefined ? {} : { status: c.paymentStatus }),
    ...(found === undefined ? {} : { found }),
  });
  return outcome;
}

/**
 * Spends what a re-send costs: the request must be replayable, and the retry budget must allow
 * it. Gives back the error the call ends with when either refuses.
 */
async function spendRetry<R>(call: Call<R>, next: Next): Promise<PortOneError | undefined> {
  if (next.step !== 'send') return undefined;
  const { classification, cause } = next.failure;
  const reason = call.operation.notReplayable;
  if (reason !== undefined)
    return call.error(classification, { cause, note: `not retried: ${reason}` });
  if (!next.resends) return undefined;
  const { budget } = call.scope;
  const kind: RetryKind = classification.transport === 'timeout' ? 'timeout' : 'retry';
  if (
    budget !== undefined &&
    !(await orDefault(() => budget.tryAcquire(kind, call.signal), true))
  ) {
    call.emit('budget', { available: await orDefault(() => budget.available(call.signal), 0) });
    const note = 'not retried: the retry budget is spent (PortOne or the PSP is failing widely)';
    return call.error(classification, { cause, note });
  }
  call.retriesUsed++;
  call.lastRetryKind = kind;
  return undefined;
}

/** Tells listeners what the call will do next: poll again, or send again (a lookup has its own event). */
function announce<R>(call: Call<R>, next: Next): void {
  if (next.step === 'look-up' || next.step === 'look-up-duplicate') return;
  if (next.step === 'poll') {
    const last = call.lastPending;
    // A 1000-series answer names no status, but says as much as Pending does.
    const status = last?.paymentStatus ?? (last?.kind === 'pending' ? 'Pending' : undefined);
    call.emit('poll', {
      delayMs: next.delayMs,
      polls: call.polls,
      ...(status === undefined ? {} : { status }),
    });
    return;
  }
  call.emit('retry', {
    delayMs: next.delayMs,
    error: call.lastError as PortOneError,
    reason: next.reason,
  });
}

/** A step that failed and leads on; its error is the one the call ends with if nothing better comes. */
function goOn<R>(call: Call<R>, error: PortOneError, next: Next): StepResult<R> {
  call.lastError = error;
  return { type: 'continue', error, next };
}

/** Keeps the error of the last failed answer on the call, and its cause. */
function failureOf<R>(call: Call<R>, outcome: AttemptOutcome<R>): Failure {
  const c = outcome.classification;
  const cause =
    outcome.cause ??
    (c.kind === 'error' && outcome.response !== undefined
      ? call.operation.causeOf?.(outcome.response)
      : undefined);
  return cause === undefined ? { classification: c } : { classification: c, cause };
}

function emitResponse<R>(call: Call<R>, outcome: AttemptOutcome<R>): void {
  const c = outcome.classification;
  call.emit('response', {
    httpStatus: outcome.response?.httpStatus ?? 0,
    kind: c.kind,
    durationMs: outcome.durationMs,
    ...(c.code === undefined ? {} : { code: c.code }),
    ...(c.status === undefined ? {} : { status: c.status }),
  });
}

/** PortOne answered that it holds no such payment: a 4000-series code, or 5001 (no record). */
function saysNotFound(c: Classification): boolean {
  return c.kind === 'error' && (c.series === 'validation' || c.code === 5001);
}

/** PortOne refused the token itself (4054), or a 401 came without a code. */
function tokenRejected(c: Classification): boolean {
  return c.code === 4054 || (c.httpStatus === 401 && c.code === undefined);
}

/** Asks the circuit breaker, when there is one; gives back the error of a refusal. */
async function askBreaker<R>(call: Call<R>): Promise<PortOneError | undefined> {
  const { breaker } = call.scope;
  if (breaker === undefined) return undefined;
  const key = breakerKeyOfCall(call);
  const verdict = await orDefault(() => breaker.acquire(key, call.signal), {
    allowed: true,
    state: 'closed' as const,
  });
  if (verdict.allowed) return undefined;
  return new PortOneCircuitOpenError({
    message: `the circuit for ${key} is open after repeated failures; not sent`,
    series: 'transport',
    outcome: 'fail',
    attempts: call.attempts,
    orderRef: call.orderRef,
    method: call.operation.method,
    url: call.url,
    key,
    retryAfterMs: verdict.retryAfterMs,
  });
}
