import { createPortOneError, type ErrorContext, type PortOneError } from '../errors/index.js';
import type { EventBase, PortOneEventEmitter, PortOneEvents } from '../events.js';
import type { Journal } from '../journal/index.js';
import { type DeclaredOperations, operationById } from '../operations/index.js';
import type { AttemptState, Policy } from '../policy/index.js';
import { redactUrl } from '../redact.js';
import {
  breakerKeyOf,
  type CircuitBreaker,
  type RetryBudget,
  type RetryKind,
  withChannel,
} from '../resilience/index.js';
import type { Classification, PaymentStatus } from '../types.js';
import type { Operation } from './types.js';

/** What every call of one engine shares. */
export interface EngineScope {
  readonly events: PortOneEventEmitter;
  /** Clock in ms. */
  readonly now: () => number;
  /** Source of jitter in [0, 1). */
  readonly random: () => number;
  readonly budget: RetryBudget | undefined;
  readonly breaker: CircuitBreaker | undefined;
  readonly journal: Journal;
}

/** Why a call was cut short: the reason its signal aborts with. */
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

/** The abort reason of a step whose attempt ran past its own timeout. */
export class AttemptTimeout extends Error {
  override name = 'AttemptTimeout' as const;
}

/**
 * The endpoint as `METHOD /path/{template}`: the catalogue's (or the user's declared) template
 * when the request was described from it, else the URL with every ref in its path replaced.
 */
function endpointOf(
  operation: Operation<unknown>,
  declared: DeclaredOperations | undefined,
): string {
  const known = operation.name === undefined ? undefined : operationById(operation.name, declared);
  if (known !== undefined) return `${known.method} ${known.path}`;
  try {
    return breakerKeyOf(operation.method, operation.url);
  } catch {
    return `${operation.method} unknown`;
  }
}

let sequence = 0;
const newOperationId = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `op-${Date.now().toString(36)}-${(++sequence).toString(36)}`;

/**
 * The state of one call through the engine: its signal and deadline, its counters, what it last
 * saw, and how it speaks (events, errors). The loop that drives it is `runCall`.
 */
export class Call<R> {
  readonly id = newOperationId();
  readonly startedAt: number;
  /**
   * The signal of the call's current step, handed to each attempt: it aborts when the caller
   * aborts, when the deadline (or, once polling, the poll deadline) passes, or when the attempt
   * in flight passes its own timeout. After a timeout the next step gets a fresh signal; one
   * signal serves the whole call otherwise.
   */
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  attempts = 0;
  /** Re-sends that spent the policy's retries (a renewed token spends none). */
  retriesUsed = 0;
  polls = 0;
  /** Status lookups that failed in transit, in a row. */
  lookupFailures = 0;
  tokenRenewed = false;
  /** Whether a lookup's rejected token was renewed already (once per call, as for attempts). */
  lookupTokenRenewed = false;
  /** The error of the last failed answer: the call ends with it if nothing better comes. */
  lastError: PortOneError | undefined;
  /** The last pending status seen while polling, carried by a pending-timeout error. */
  lastPending: Classification | undefined;
  /** The last answer with a body the caller can be given (a webhook may settle the call on it). */
  lastRaw: R | undefined;
  /** A status that a webhook (through `engine.settle`) delivered while the call was waiting. */
  settledStatus: PaymentStatus | undefined;
  /** What the breaker should learn from this call, once it ends: its last attempt's answer. */
  lastSent: Classification | undefined;
  /** The kind of the last retry the budget paid for, refunded when the call succeeds. */
  lastRetryKind: RetryKind | undefined;
  /** The answer whose outcome is unknown and that no lookup has settled yet. */
  unsettled: { readonly classification: Classification; readonly cause?: unknown } | undefined;

  private controller = new AbortController();
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private attemptTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort: (() => void) | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    readonly operation: Operation<R>,
    readonly policy: Policy,
    readonly scope: EngineScope,
  ) {
    this.startedAt = scope.now();
    const caller = operation.signal;
    if (caller !== undefined) {
      this.onCallerAbort = () => this.cutShort(new CallAbort('caller', caller.reason));
      if (caller.aborted) this.onCallerAbort();
      else caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    this.armDeadline('deadline', policy.settings.deadlineMs);
  }

  #url: string | undefined;
  #endpoint: string | undefined;

  /** The request's URL, redacted (made when an event or an error first needs it). */
  get url(): string {
    this.#url ??= redactUrl(this.operation.url);
    return this.#url;
  }

  /** The endpoint as `METHOD /path/{template}`: every ref in its path replaced by its name. */
  get endpoint(): string {
    this.#endpoint ??= endpointOf(this.operation, this.policy.settings.operations);
    return this.#endpoint;
  }

  #breakerKey: string | undefined;

  /** The call's circuit breaker: its endpoint, and its PSP channel when it names one. */
  get breakerKey(): string {
    const { channel } = this.operation;
    this.#breakerKey ??=
      channel === undefined ? this.endpoint : withChannel(this.endpoint, { pmt_channel: channel });
    return this.#breakerKey;
  }

  /** The endpoint's name, for events: the catalogue's id, else `endpoint`. */
  get name(): string {
    return this.operation.name ?? this.endpoint;
  }

  get orderRef(): string | undefined {
    return this.operation.orderRef;
  }

  /** Why the call was cut short, once it was (an attempt's own timeout does not cut it short). */
  get abortReason(): CallAbort | undefined {
    const { aborted, reason } = this.signal;
    return aborted && reason instanceof CallAbort ? reason : undefined;
  }

  /** Arms an attempt's own timeout on the call's signal, and hands that signal to the attempt. */
  startAttempt(timeoutMs: number): AbortSignal {
    this.attemptTimer = setTimeout(() => this.controller.abort(new AttemptTimeout()), timeoutMs);
    return this.signal;
  }

  /** Disarms it; a signal the timeout aborted gives way to a fresh one for the next step. */
  endAttempt(): void {
    clearTimeout(this.attemptTimer);
    this.renewAfterTimeout();
  }

  /** A signal an attempt's own timeout aborted gives way to a fresh one; the call goes on. */
  private renewAfterTimeout(): void {
    if (this.signal.reason instanceof AttemptTimeout) this.controller = new AbortController();
  }

  /**
   * Whether the request can be looked up: it carries a ref, and a lookup can be sent (its plan
   * with the adapter's transport, or the user's own status check).
   */
  get canLookUp(): boolean {
    const { lookup, sendLookup, checkStatus } = this.operation;
    if (this.orderRef === undefined) return false;
    if (lookup === undefined) return checkStatus !== undefined;
    return sendLookup !== undefined || (lookup.transactionStatus && checkStatus !== undefined);
  }

  elapsed(): number {
    return Math.max(0, this.scope.now() - this.startedAt);
  }

  state(): AttemptState {
    return {
      attempt: this.attempts,
      retriesUsed: this.retriesUsed,
      elapsedMs: this.elapsed(),
      kind: this.operation.kind,
      random: this.scope.random,
      canLookUp: this.canLookUp,
    };
  }

  /**
   * The deadline passed with an outcome still unknown: one last lookup gets a signal of its own
   * (its attempt's timeout still applies, and the caller's abort still ends it).
   */
  extendForLastLookup(): void {
    clearTimeout(this.deadlineTimer);
    this.controller = new AbortController();
    if (this.operation.signal?.aborted)
      this.cutShort(new CallAbort('caller', this.operation.signal.reason));
  }

  /** Once polling starts, the overall deadline gives way to the poll deadline. */
  enterPolling(): void {
    this.armDeadline('poll-deadline', this.policy.settings.pollDeadlineMs);
  }

  private armDeadline(why: 'deadline' | 'poll-deadline', ms: number): void {
    clearTimeout(this.deadlineTimer);
    if (this.signal.aborted) return;
    if (ms <= 0) this.cutShort(new CallAbort(why));
    else this.deadlineTimer = setTimeout(() => this.cutShort(new CallAbort(why)), ms);
  }

  private cutShort(reason: CallAbort): void {
    // An attempt that just timed out still holds the signal: the call's end takes over from it.
    this.renewAfterTimeout();
    this.controller.abort(reason);
  }

  /**
   * Waits `ms`, unless the call is cut short first (rejects with the reason) or a webhook settles
   * it first (resolves early: the next step reads `settledStatus`).
   */
  wait(ms: number): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    if (this.settledStatus !== undefined) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        this.wakeUp = undefined;
      };
      const onAbort = () => {
        done();
        reject(this.signal.reason);
      };
      const timer = setTimeout(() => {
        done();
        resolve();
      }, ms);
      this.wakeUp = () => {
        done();
        resolve();
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A webhook says how the payment ended: a wait in progress ends now. */
  settle(status: PaymentStatus): void {
    if (this.settledStatus !== undefined && this.settledStatus !== 'Pending') return;
    this.settledStatus = status;
    this.wakeUp?.();
  }

  /** The fields every event of this call carries. */
  base(): EventBase {
    return {
      operationId: this.id,
      operation: this.name,
      endpoint: this.endpoint,
      attempt: this.attempts,
      elapsedMs: this.elapsed(),
      method: this.operation.method,
      url: this.url,
      ...(this.orderRef === undefined ? {} : { orderRef: this.orderRef }),
    };
  }

  /** Emits `event` with the call's base fields plus `extra`. */
  emit<E extends keyof PortOneEvents>(
    event: E,
    extra: Omit<PortOneEvents[E][0], keyof EventBase> & Partial<EventBase>,
  ): void {
    if (this.scope.events.listenerCount(event) === 0) return;
    const payload = { ...this.base(), ...extra } as PortOneEvents[E][0];
    (this.scope.events.emit as (name: E, value: PortOneEvents[E][0]) => boolean)(event, payload);
  }

  /** The PortOneError for a classified answer, with this call's context filled in. */
  error(c: Classification, extra: Partial<ErrorContext> = {}): PortOneError {
    return createPortOneError(c, {
      attempts: this.attempts,
      orderRef: this.orderRef,
      method: this.operation.method,
      url: this.url,
      customerMessages: this.policy.settings.customerMessages,
      elapsedMs: this.elapsed(),
      timeoutMs: this.policy.settings.attemptTimeoutMs,
      ...extra,
    });
  }

  dispose(): void {
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.attemptTimer);
    if (this.onCallerAbort !== undefined) {
      this.operation.signal?.removeEventListener('abort', this.onCallerAbort);
    }
  }
}
