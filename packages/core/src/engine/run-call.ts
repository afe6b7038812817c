import { isPortOneError, PortOneCircuitOpenError, type PortOneError } from '../errors/index.js';
import type { LookupResult } from '../operations/types.js';
import { backoffDelay, decide } from '../policy/index.js';
import type { RetryKind } from '../resilience/index.js';
import type { Classification, PaymentStatus } from '../types.js';
import { type AttemptOutcome, runAttempt } from './attempt.js';
import { type Call, CallAbort } from './call.js';
import { fail, orDefault, type Resolution, succeed } from './end-call.js';
import { closeIntent, failureOutcome, openIntent, settledOutcome } from './journal.js';
import { pendingClassification, terminalFailure } from './settle.js';
import type { AttemptResponse, LookupPlan, SettledBy } from './types.js';
import { pollDelay, retryCeiling } from './waits.js';

/**
 * One call's life, top to bottom: a loop of steps. Each step sends the request (after asking
 * the breaker), or looks the payment up, or polls it; its answer is classified and decided on;
 * the decision ends the call (resolve, fail, surface) or names the next step and the wait before
 * it. Between steps the re-send is counted against the policy's ceiling, the retry budget is
 * spent, the event is emitted and the decided wait is waited. The call's signal (caller,
 * deadline) ends it: an attempt or a wait it cuts short rejects with the reason.
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
  await openIntent(call);
  try {
    const settled = await loop(call);
    const raw = await succeed(call, settled);
    await closeIntent(call, settledOutcome(settled));
    return raw;
  } catch (thrown) {
    const last = await lastLookup(call, thrown);
    if (last?.type === 'resolve') {
      const raw = await succeed(call, last);
      await closeIntent(call, settledOutcome(last));
      return raw;
    }
    const error = await fail(call, last?.error ?? thrown);
    await closeIntent(call, failureOutcome(call, error));
    throw error;
  } finally {
    call.dispose();
  }
}

/**
 * The loop itself: take a step; it resolves the call, rejects it, or names the next step. Before
 * that step: the policy's ceiling on re-sends (each answer's own rule was applied by `decide`;
 * lookups, polls and a renewed token re-send nothing of the caller's and count for none), the
 * retry budget, the event, and the decided wait (backoff with jitter, Retry-After, poll
 * interval). A wait or an attempt the call's signal cuts short rejects, and so ends the loop.
 */
async function loop<R>(call: Call<R>): Promise<Resolution<R>> {
  const ceiling = retryCeiling(call.policy);
  let step: Step = 'send';
  for (;;) {
    const result: StepResult<R> = await take(call, step);
    if (result.type === 'resolve') return result;
    if (result.type === 'reject') throw result.error;
    const next: Next = result.next;
    if (next.resends && call.retriesUsed >= ceiling) throw result.error;
    const refused = await spendRetry(call, next);
    if (refused !== undefined) throw refused;
    announce(call, next);
    await call.wait(next.delayMs);
    step = next.step;
  }
}

/**
 * The deadline ended a call whose last answer left the outcome unknown: it is looked up once more
 * before the call gives up, so it never ends as "maybe" when PortOne could say.
 */
async function lastLookup<R>(
  call: Call<R>,
  thrown: unknown,
): Promise<Extract<StepResult<R>, { type: 'resolve' | 'reject' }> | undefined> {
  if (!(thrown instanceof CallAbort) || thrown.why !== 'deadline') return undefined;
  if (call.unsettled === undefined || !call.canLookUp) return undefined;
  call.extendForLastLookup();
  try {
    const { outcome, result } = await lookUp(call, 'reconcile');
    if (result.state === 'unknown') return { type: 'reject', error: stillUnknown(call) };
    if (result.state === 'not-found') {
      const { classification, cause } = call.unsettled;
      const note = `the deadline passed; PortOne holds nothing under ${call.orderRef}: it was not made`;
      return {
        type: 'reject',
        error: call.error(classification, { cause, note, ambiguous: false }),
      };
    }
    if (result.status === 'Pending') {
      const message = `payment ${call.orderRef} still pending at the deadline; reconcile it later by its order ref`;
      return {
        type: 'reject',
        error: call.error(pendingClassification(outcome.classification), { message }),
      };
    }
    const followed = followStatus(call, outcome, result, 'lookup');
    return followed.type === 'continue' ? { type: 'reject', error: stillUnknown(call) } : followed;
  } catch {
    return { type: 'reject', error: stillUnknown(call) };
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

  // A 2xx to a create or money move that cannot be read (empty, cut off, a page) proves nothing:
  // it is looked up like any other unknown outcome.
  if (c.kind === 'success' && unreadable(outcome) && moves(call)) {
    const unknown: Classification = { ...c, kind: 'error', series: 'unknown', ambiguous: true };
    call.unsettled = { classification: unknown };
    if (!call.canLookUp) {
      const note =
        'PortOne answered with a body that cannot be read, and the request cannot be looked up';
      return { type: 'reject', error: call.error(unknown, { note, ambiguous: true }) };
    }
    return goOn(call, call.error(unknown), {
      step: 'look-up',
      delayMs: 0,
      reason: 'unreadable answer',
      resends: false,
      failure: call.unsettled,
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
      return {
        type: 'reject',
        error: error({ note: decision.note, ...(decision.ambiguous ? { ambiguous: true } : {}) }),
      };
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
 * Settles a create or money move whose outcome is unknown (or a create PortOne called a
 * duplicate after a retry) by looking it up. What PortOne holds is followed — a payment's
 * Success resolves, Pending is polled, Failed/Expired rejects — and is never sent again. A create
 * PortOne does not hold is sent again (after a duplicate answer it is not: that would only be
 * refused again); a money move PortOne shows not made ends the call, not re-sent (a refund has no
 * dedupe to fall back on). A lookup that itself fails is tried again as a read; when lookups run
 * out the call ends with the original error marked ambiguous, carrying the ref.
 */
async function settleUnknown<R>(
  call: Call<R>,
  why: 'ambiguous' | 'duplicate',
): Promise<StepResult<R>> {
  const original = call.lastError as PortOneError;
  const unsettled = call.unsettled ?? {
    classification: { kind: 'error', series: 'unknown', ambiguous: true },
  };
  const orderRef = call.orderRef as string;
  const { outcome, result } = await lookUp(call, 'reconcile');

  if (result.state === 'done') {
    call.lookupFailures = 0;
    call.unsettled = undefined;
    const status = result.status;
    call.emit('reconcile', {
      orderRef,
      found: true,
      action: 'follow',
      ...(status === undefined ? {} : { status }),
    });
    return followStatus(call, outcome, result, 'lookup');
  }

  if (result.state === 'not-found') {
    call.unsettled = undefined;
    if (why === 'duplicate') {
      call.emit('reconcile', { orderRef, found: false, action: 'fail' });
      return { type: 'reject', error: original };
    }
    if (call.operation.kind === 'money-move') {
      call.emit('reconcile', { orderRef, found: false, action: 'fail' });
      const note = 'not re-sent: PortOne shows it was not made, so it is safe to send again';
      return {
        type: 'reject',
        error: call.error(unsettled.classification, {
          cause: unsettled.cause,
          note,
          ambiguous: false,
        }),
      };
    }
    const rule = call.policy.ruleFor(unsettled.classification);
    if (call.retriesUsed >= rule.retries) {
      call.emit('reconcile', { orderRef, found: false, action: 'fail' });
      const note = `PortOne holds nothing under ${orderRef}: nothing was charged (retries exhausted)`;
      return {
        type: 'reject',
        error: call.error(unsettled.classification, {
          cause: unsettled.cause,
          note,
          ambiguous: false,
        }),
      };
    }
    call.emit('reconcile', { orderRef, found: false, action: 'resend' });
    call.lookupFailures = 0;
    return goOn(call, original, {
      step: 'send',
      delayMs: 0,
      reason: 'not found by its order ref; sending again',
      resends: true,
      failure: unsettled,
    });
  }

  // The lookup itself failed (in transit, a proxy's page, a 5xx): look up again, never re-send.
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
    return { type: 'reject', error: stillUnknown(call) };
  }
  return goOn(call, original, {
    step: why === 'duplicate' ? 'look-up-duplicate' : 'look-up',
    delayMs,
    reason: 'status lookup failed; looking up again',
    resends: false,
    failure: { classification: outcome.classification },
  });
}

/** The error of a call whose outcome no lookup could settle: the original, ambiguous, with the ref. */
function stillUnknown<R>(call: Call<R>): PortOneError {
  const unsettled = call.unsettled ?? {
    classification: { kind: 'error', series: 'unknown', ambiguous: true },
  };
  return call.error(unsettled.classification, {
    cause: unsettled.cause,
    ambiguous: true,
    note: `the outcome is unknown and no lookup settled it: look ${call.orderRef ?? 'it'} up before sending it again`,
  });
}

/** Checks a pending payment again: by lookup when it can be looked up, else by re-sending a read. */
async function poll<R>(call: Call<R>): Promise<StepResult<R>> {
  const webhook = settledByWebhook(call);
  if (webhook !== undefined) return webhook;
  call.polls++;
  let outcome: AttemptOutcome<R>;
  let status: PaymentStatus | undefined;
  if (call.canLookUp) {
    const looked = await lookUp(call, 'poll');
    outcome = looked.outcome;
    if (looked.result.state === 'done') status = looked.result.status ?? 'Success';
  } else {
    call.attempts++;
    call.emit('attempt', {});
    outcome = await runAttempt(call, call.attempts, (context) => call.operation.send(context));
    emitResponse(call, outcome);
    status = outcome.classification.paymentStatus;
    if (status === undefined && outcome.classification.kind === 'success') status = 'Success';
  }
  if (status !== undefined && status !== 'Pending') {
    return followStatus(call, outcome, { state: 'done', status }, 'poll');
  }
  // Pending, or a lookup that failed in transit: keep the last real status and go on.
  const c = outcome.classification;
  if (c.kind === 'pending' || status === 'Pending')
    call.lastPending = c.kind === 'pending' ? c : pendingClassification(c);
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

/**
 * What a lookup (or a poll) found settles the call: Success — or a money move or create PortOne
 * shows done — resolves, Pending is polled, Failed/Expired rejects as the decline it is.
 */
function followStatus<R>(
  call: Call<R>,
  outcome: AttemptOutcome<R>,
  result: { readonly state: 'done'; readonly status?: PaymentStatus | undefined },
  by: SettledBy,
): StepResult<R> {
  const status = result.status;
  const found: Classification = {
    ...outcome.classification,
    ...(status === undefined ? {} : { paymentStatus: status }),
  };
  // A pending payment is polled; a link or a subscription PortOne shows pending was created.
  const payment = call.operation.lookup?.transactionStatus ?? true;
  if (status === 'Pending' && payment) {
    return startPolling(call, found, call.error(pendingClassification(found)));
  }
  if (status === 'Failed' || status === 'Expired') {
    return {
      type: 'reject',
      error: call.error(terminalFailure(found, call.orderRef), { outcome: 'surface' }),
    };
  }
  const raw = outcome.response === undefined ? call.lastRaw : outcome.response.raw;
  return { type: 'resolve', raw: raw as R, settledBy: by, c: found };
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

/**
 * Looks the request up: through its lookup plan (the catalogue's lookup for its kind) and the
 * adapter's transport, or the user's own status check. A lookup that could not be sent (no
 * token) is a failed one; a 401 renews the token once. Never "not found" from anything but
 * PortOne's own answer.
 */
async function lookUp<R>(
  call: Call<R>,
  purpose: 'reconcile' | 'poll',
): Promise<{ outcome: AttemptOutcome<R>; result: LookupResult }> {
  const orderRef = call.orderRef as string;
  const { lookup: plan, checkStatus, sendLookup, refreshAuth } = call.operation;
  const viaStatusCheck =
    checkStatus !== undefined && (plan === undefined || plan.transactionStatus);
  const request = (signal: AbortSignal): Promise<AttemptResponse<R>> =>
    viaStatusCheck
      ? (checkStatus as NonNullable<typeof checkStatus>)(orderRef, { signal })
      : (sendLookup as NonNullable<typeof sendLookup>)((plan as LookupPlan).request, { signal });
  let outcome = await lookupAttempt(call, request);
  if (
    tokenRejected(outcome.classification) &&
    refreshAuth !== undefined &&
    !call.lookupTokenRenewed
  ) {
    call.lookupTokenRenewed = true;
    await refreshAuth();
    outcome = await lookupAttempt(call, request);
  }
  const c = outcome.classification;
  const answer =
    outcome.response === undefined
      ? undefined
      : { httpStatus: outcome.response.httpStatus, body: outcome.response.body };
  const result: LookupResult =
    answer === undefined
      ? { state: 'unknown' }
      : plan !== undefined && !viaStatusCheck
        ? plan.read(answer)
        : statusResult(c);
  if (result.state === 'done' && outcome.response !== undefined)
    call.lastRaw = outcome.response.raw;
  const status = result.state === 'done' ? result.status : undefined;
  call.emit('lookup', {
    orderRef,
    purpose,
    durationMs: outcome.durationMs,
    httpStatus: outcome.response?.httpStatus ?? 0,
    ...(status === undefined ? {} : { status }),
    ...(result.state === 'unknown' ? {} : { found: result.state === 'done' }),
  });
  return { outcome, result };
}

/** One lookup request under the attempt's timeout; a token that could not be had sends nothing. */
async function lookupAttempt<R>(
  call: Call<R>,
  request: (signal: AbortSignal) => Promise<AttemptResponse<R>>,
): Promise<AttemptOutcome<R>> {
  try {
    return await runAttempt(call, call.attempts, ({ signal }) => request(signal));
  } catch (error) {
    if (!isPortOneError(error)) throw error;
    const notSent: Classification = {
      kind: 'transport',
      series: 'transport',
      transport: 'not-sent',
      ambiguous: false,
    };
    return { classification: notSent, cause: error, durationMs: 0 };
  }
}

/** What a transaction status answer says, read by the classifier (a user's own status check). */
function statusResult(c: Classification): LookupResult {
  if (c.paymentStatus !== undefined) return { state: 'done', status: c.paymentStatus };
  if (c.kind === 'pending') return { state: 'done', status: 'Pending' };
  // PortOne answered that it holds no such payment: a 4000-series code (not a token's), or 5001.
  const notFound =
    c.kind === 'error' &&
    ((c.series === 'validation' && c.info?.tags.includes('auth') !== true) || c.code === 5001);
  return notFound ? { state: 'not-found' } : { state: 'unknown' };
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

/** A create or a money move: what an unknown outcome must be looked up for. */
function moves<R>(call: Call<R>): boolean {
  return call.operation.kind === 'create' || call.operation.kind === 'money-move';
}

/** An answer whose body is no readable object (empty, truncated JSON, an HTML page). */
function unreadable<R>(outcome: AttemptOutcome<R>): boolean {
  const body = outcome.response?.body;
  return body === null || typeof body !== 'object';
}

/** PortOne refused the token itself (4054), or a 401 came without a code. */
function tokenRejected(c: Classification): boolean {
  return c.code === 4054 || (c.httpStatus === 401 && c.code === undefined);
}

/** Asks the circuit breaker, when there is one; gives back the error of a refusal. */
async function askBreaker<R>(call: Call<R>): Promise<PortOneError | undefined> {
  const { breaker } = call.scope;
  if (breaker === undefined) return undefined;
  const key = call.breakerKey;
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
