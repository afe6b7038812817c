import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ATTR, hashOrderRef, operationOf, paymentStatusOf, urlAttributes } from './attributes.js';
import { now } from './clock.js';
import { type Observable, type ObservedEvents, subscribe } from './events.js';

/** One PortOne call being traced: its span, and the child span open in it, if any. */
interface TracedCall {
  readonly span: Span;
  /** The caller's context at the call's first event, with the call's span in it. */
  readonly context: Context;
  readonly startedAt: number;
  /** What every attempt of the call shares: operation, method, URL (redacted), server. */
  readonly request: Attributes;
  attempt: Span | undefined;
  poll: Span | undefined;
  /** The open attempt re-reads a pending payment: it is the status check of the open poll. */
  attemptPolls: boolean;
}

type CallEvent = ObservedEvents['attempt'];

/** Events of one call (`circuit` is a breaker's, which serves many calls: metrics carry it). */
type CallEventName = Exclude<keyof ObservedEvents, 'circuit' | 'store' | 'journal' | 'error'>;

/** Attributes of a request: its operation, method and URL (redacted). */
function requestAttributes(e: CallEvent, operation: string): Attributes {
  return {
    [ATTR.operation]: operation,
    [ATTR.method]: e.method,
    ...urlAttributes(e.endpoint, e.url),
  };
}

/** `error.type` of an answer, as the HTTP conventions define it; undefined for a good one. */
function errorTypeOf(e: ObservedEvents['response']): string | undefined {
  if (e.kind === 'transport' || e.httpStatus === 0) return 'transport';
  if (e.httpStatus >= 400) return String(e.httpStatus);
  // PortOne sometimes refuses in a 2xx envelope: its code names the error.
  if (e.kind === 'error') return e.code === undefined ? '_OTHER' : String(e.code);
  return undefined;
}

/**
 * Turns an engine's events into spans: one per call (`portone <operation>`), parented on the
 * caller's active context when the call's first event fires, with a child per attempt, per
 * status lookup and per poll. Returns the function that stops, ending every span still open.
 */
export function traceCalls(
  engine: Observable,
  tracer: Tracer,
  limits: { readonly maxCallsInFlight: number; readonly maxCallAgeMs: number },
): () => void {
  const calls = new Map<string, TracedCall>();

  const endChildren = (call: TracedCall, at: number, errorType?: string) => {
    for (const child of [call.attempt, call.poll]) {
      if (child === undefined) continue;
      if (errorType !== undefined) {
        child.setAttribute(ATTR.errorType, errorType);
        child.setStatus({ code: SpanStatusCode.ERROR });
      }
      child.end(at);
    }
    call.attempt = undefined;
    call.poll = undefined;
  };

  /** Ends a call whose end was not seen: it is over for us, and its span must not leak. */
  const abandon = (id: string, call: TracedCall, at: number) => {
    calls.delete(id);
    call.span.setAttribute('portone.abandoned', true);
    endChildren(call, at);
    call.span.end(at);
  };

  /** Calls are kept in the order they began: the oldest are first, so the sweep stops early. */
  const sweep = (at: number) => {
    for (const [id, call] of calls) {
      const tooMany = calls.size >= limits.maxCallsInFlight;
      if (!tooMany && at - call.startedAt <= limits.maxCallAgeMs) break;
      abandon(id, call, at);
    }
  };

  const begin = (e: CallEvent): TracedCall => {
    const at = now();
    sweep(at);
    // Events fire synchronously inside the call, so the active context is the caller's.
    const parent = context.active();
    const operation = operationOf(e);
    const startedAt = at - Math.max(0, e.elapsedMs);
    const request = requestAttributes(e, operation);
    const span = tracer.startSpan(
      `portone ${operation}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: startedAt,
        attributes: {
          ...request,
          [ATTR.operationId]: e.operationId,
          // Hashed: support finds a customer's trace by hashing the ref they hold.
          ...(typeof e.orderRef === 'string'
            ? { [ATTR.orderRefHash]: hashOrderRef(e.orderRef) }
            : {}),
        },
      },
      parent,
    );
    const call: TracedCall = {
      span,
      context: trace.setSpan(parent, span),
      startedAt,
      request,
      attempt: undefined,
      poll: undefined,
      attemptPolls: false,
    };
    calls.set(e.operationId, call);
    return call;
  };

  /** The call an event belongs to; one that began before `instrument` is picked up here. */
  const callOf = (e: CallEvent): TracedCall => calls.get(e.operationId) ?? begin(e);

  const child = (
    call: TracedCall,
    name: string,
    kind: SpanKind,
    startTime: number,
    attributes: Attributes,
    parent: Context = call.context,
  ): Span => tracer.startSpan(name, { kind, startTime, attributes }, parent);

  const attemptAttributes = (call: TracedCall, e: CallEvent): Attributes =>
    // The conventions count re-sends: absent on the first attempt, 1 on the second.
    e.attempt > 1 ? { ...call.request, [ATTR.resendCount]: e.attempt - 1 } : call.request;

  const listeners: { [E in CallEventName]: (e: ObservedEvents[E]) => void } = {
    attempt(e) {
      const call = callOf(e);
      const at = now();
      call.attempt?.end(at);
      // A read that answered Pending is polled by sending it again: that send is the poll's check.
      const poll = call.poll;
      call.attemptPolls = poll !== undefined;
      call.attempt = child(
        call,
        e.method,
        SpanKind.CLIENT,
        at,
        attemptAttributes(call, e),
        poll === undefined ? call.context : trace.setSpan(call.context, poll),
      );
    },

    response(e) {
      const call = callOf(e);
      const at = now();
      const span =
        call.attempt ??
        child(
          call,
          e.method,
          SpanKind.CLIENT,
          at - (e.durationMs ?? 0),
          attemptAttributes(call, e),
        );
      call.attempt = undefined;
      if (e.httpStatus > 0) span.setAttribute(ATTR.statusCode, e.httpStatus);
      if (e.code !== undefined) span.setAttribute(ATTR.code, e.code);
      const status = paymentStatusOf(e.status);
      if (status !== undefined) span.setAttribute(ATTR.paymentStatus, status);
      const errorType = errorTypeOf(e);
      if (errorType !== undefined) {
        span.setAttribute(ATTR.errorType, errorType);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end(at);
      if (call.attemptPolls) {
        call.poll?.end(at);
        call.poll = undefined;
        call.attemptPolls = false;
      }
    },

    retry(e) {
      callOf(e).span.addEvent(
        'portone.retry',
        {
          [ATTR.series]: e.error.series,
          ...(e.error.code === undefined ? {} : { [ATTR.code]: e.error.code }),
          [ATTR.delayMs]: e.delayMs,
          [ATTR.attempts]: e.attempt,
        },
        now(),
      );
    },

    poll(e) {
      const call = callOf(e);
      const at = now();
      call.poll?.end(at);
      const status = paymentStatusOf(e.status);
      // The wait and the status check that follows it.
      call.poll = child(call, 'portone poll', SpanKind.INTERNAL, at, {
        [ATTR.polls]: e.polls,
        [ATTR.delayMs]: e.delayMs,
        ...(status === undefined ? {} : { [ATTR.paymentStatus]: status }),
      });
    },

    lookup(e) {
      const call = callOf(e);
      const at = now();
      const poll = e.purpose === 'poll' ? call.poll : undefined;
      const parent = poll === undefined ? call.context : trace.setSpan(call.context, poll);
      const status = paymentStatusOf(e.status);
      const span = child(
        call,
        'portone lookup',
        SpanKind.CLIENT,
        at - Math.max(0, e.durationMs),
        {
          [ATTR.operation]: call.request[ATTR.operation],
          [ATTR.lookupPurpose]: e.purpose,
          [ATTR.orderRefHash]: hashOrderRef(e.orderRef),
          ...(e.httpStatus > 0 ? { [ATTR.statusCode]: e.httpStatus } : {}),
          ...(status === undefined ? {} : { [ATTR.paymentStatus]: status }),
          ...(e.found === undefined ? {} : { [ATTR.lookupFound]: e.found }),
        },
        parent,
      );
      // A lookup that brought no answer, or a server error: not finding a payment is an answer.
      if (e.httpStatus === 0 || e.httpStatus >= 500) {
        span.setAttribute(ATTR.errorType, e.httpStatus === 0 ? 'transport' : String(e.httpStatus));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end(at);
      if (poll !== undefined) {
        poll.end(at);
        call.poll = undefined;
      }
    },

    reconcile(e) {
      const status = paymentStatusOf(e.status);
      callOf(e).span.addEvent(
        'portone.reconcile',
        {
          [ATTR.lookupFound]: e.found,
          [ATTR.reconcileAction]: e.action,
          ...(status === undefined ? {} : { [ATTR.paymentStatus]: status }),
        },
        now(),
      );
    },

    surface(e) {
      callOf(e).span.addEvent(
        'portone.surface',
        {
          [ATTR.series]: e.error.series,
          ...(e.error.code === undefined ? {} : { [ATTR.code]: e.error.code }),
        },
        now(),
      );
    },

    budget(e) {
      callOf(e).span.addEvent(
        'portone.budget_exhausted',
        { 'portone.budget.available': e.available },
        now(),
      );
    },

    success(e) {
      // A call first seen here (traced from mid-call) still gets its span.
      const call = callOf(e);
      calls.delete(e.operationId);
      const at = now();
      endChildren(call, at);
      call.span.setAttributes({
        [ATTR.outcome]: 'success',
        [ATTR.attempts]: e.attempts,
        ...(e.settledBy === undefined ? {} : { [ATTR.settledBy]: e.settledBy }),
      });
      call.span.end(at);
    },

    failure(e) {
      // A call that failed before any attempt (an open breaker) still gets its span.
      const call = callOf(e);
      calls.delete(e.operationId);
      const at = now();
      const { error } = e;
      endChildren(call, at, error.name);
      call.span.setAttributes({
        [ATTR.outcome]: error.outcome,
        [ATTR.series]: error.series,
        [ATTR.errorType]: error.name,
        [ATTR.attempts]: error.attempts,
        ...(error.code === undefined ? {} : { [ATTR.code]: error.code }),
        ...(error.httpStatus === undefined ? {} : { [ATTR.statusCode]: error.httpStatus }),
      });
      // The error's name and code, not its message: the span status is indexed and shown raw.
      call.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error.code === undefined ? error.name : `${error.name} ${error.code}`,
      });
      call.span.end(at);
    },
  };

  const offs = (Object.keys(listeners) as CallEventName[]).map((name) =>
    subscribe(engine, name, listeners[name] as (e: ObservedEvents[typeof name]) => void),
  );
  return () => {
    for (const off of offs) off();
    const at = now();
    for (const [id, call] of calls) abandon(id, call, at);
  };
}
