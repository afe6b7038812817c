import { SERIES_DEFAULTS } from '../catalogue/index.js';
import type { Classification, CodeInfo, Outcome } from '../types.js';
import { PortOneAbortError } from './abort-error.js';
import { PortOneAuthenticationError } from './authentication-error.js';
import { PortOneCardError } from './card-error.js';
import { customerMessageFor } from './customer-messages.js';
import { PortOneNetworkError } from './network-error.js';
import { PortOnePendingTimeoutError } from './pending-timeout-error.js';
import type { PortOneError, PortOneErrorInit } from './portone-error.js';
import { PortOnePspError } from './psp-error.js';
import { PortOneSystemError } from './system-error.js';
import { PortOneTimeoutError, type TimeoutPhase } from './timeout-error.js';
import { PortOneUnknownError } from './unknown-error.js';
import { PortOneValidationError } from './validation-error.js';

/** What the engine knows about the call, beyond the classification of its last answer. */
export interface ErrorContext {
  attempts: number;
  orderRef?: string | undefined;
  requestId?: string | undefined;
  cause?: unknown;
  method?: string | undefined;
  url?: string | undefined;
  /** The decided outcome; defaults to the code's catalogue outcome or its series' default. */
  outcome?: Outcome | undefined;
  customerMessages?: Readonly<Record<number, string>> | undefined;
  elapsedMs?: number | undefined;
  timeoutMs?: number | undefined;
  phase?: TimeoutPhase | undefined;
  /** Overrides the generated message (redacted all the same). */
  message?: string | undefined;
  /** Appended to the generated message, e.g. why the request was not retried. */
  note?: string | undefined;
  /** Marks the error as an outcome no answer or lookup could settle (see `PortOneError.ambiguous`). */
  ambiguous?: boolean | undefined;
}

function describe(c: Classification, attempts: number, note: string | undefined): string {
  const plural = attempts === 1 ? 'attempt' : 'attempts';
  const head =
    c.code !== undefined
      ? `PortOne ${c.code}${c.status ? ` ${c.status}` : ''}`
      : c.httpStatus !== undefined
        ? `PortOne answered HTTP ${c.httpStatus}`
        : 'PortOne request failed';
  const detail = shorten(c.message) ?? (c.kind === 'transport' ? transportDetail(c) : undefined);
  return `${head}${detail ? `: ${detail}` : ''}${note ? `; ${note}` : ''} (${attempts} ${plural})`;
}

/** PortOne's message may quote a PSP's whole answer; a log line needs its start. */
const MAX_DETAIL = 300;

function shorten(message: string | undefined): string | undefined {
  if (message === undefined || message.length <= MAX_DETAIL) return message;
  return `${message.slice(0, MAX_DETAIL)}…`;
}

function transportDetail(c: Classification): string {
  switch (c.transport) {
    case 'not-sent':
      return 'the request did not reach PortOne';
    case 'timeout':
      return 'the request timed out; PortOne may have processed it';
    case 'aborted':
      return 'the call was aborted';
    default:
      return 'the connection failed after the request was sent; PortOne may have processed it';
  }
}

function isAuth(c: Classification): boolean {
  if (c.info?.tags.includes('auth')) return true;
  return c.code === undefined && (c.httpStatus === 401 || c.httpStatus === 403);
}

/**
 * The one factory from a classification to the right `PortOneError` subclass. Every error the
 * engine throws is made here, so the mapping is tested once, over the whole catalogue.
 */
export function createPortOneError(c: Classification, context: ErrorContext): PortOneError {
  const outcome: Outcome =
    context.outcome ??
    c.info?.outcome ??
    (c.series === 'transport' ? 'retry' : SERIES_DEFAULTS[c.series]);
  const customerMessage = customerMessageFor(c.code, context.customerMessages);
  const ambiguous = context.ambiguous ?? (c.kind === 'transport' && c.ambiguous);
  const init: PortOneErrorInit = {
    message: context.message ?? describe(c, context.attempts, context.note),
    series: c.series,
    outcome,
    attempts: context.attempts,
    code: c.code,
    status: c.status,
    httpStatus: c.httpStatus,
    orderRef: context.orderRef ?? c.orderRef,
    requestId: context.requestId,
    customerMessage,
    response: c.body,
    method: context.method,
    url: context.url,
    cause: context.cause,
    ambiguous,
  };

  if (c.kind === 'transport') {
    if (c.transport === 'aborted') return new PortOneAbortError(init);
    if (c.transport === 'timeout') {
      return new PortOneTimeoutError({
        ...init,
        phase: context.phase ?? 'attempt',
        timeoutMs: context.timeoutMs,
      });
    }
    return new PortOneNetworkError({
      ...init,
      ambiguous,
      transport: c.transport ?? 'ambiguous',
    });
  }
  if (c.kind === 'pending') {
    return new PortOnePendingTimeoutError({
      ...init,
      lastStatus: c.paymentStatus ?? 'Pending',
      lastCode: c.code,
      elapsedMs: context.elapsedMs ?? 0,
    });
  }
  switch (c.series) {
    case 'validation':
      return isAuth(c) ? new PortOneAuthenticationError(init) : new PortOneValidationError(init);
    case 'system':
      return new PortOneSystemError(init);
    case 'card':
      return new PortOneCardError({
        ...init,
        customerMessage: customerMessage ?? customerMessageFor(6000, context.customerMessages)!,
      });
    case 'psp':
      return new PortOnePspError(init);
    default:
      return new PortOneUnknownError(init);
  }
}

/** The name of the error class a catalogue code maps to (`—` for a success): for docs and the CLI. */
export function errorClassNameOf(info: CodeInfo): string {
  if (info.series === 'success') return '—';
  return createPortOneError(
    {
      kind: info.series === 'pending' ? 'pending' : 'error',
      series: info.series,
      code: info.code,
      status: info.status,
      info,
      ambiguous: false,
    },
    { attempts: 1 },
  ).name;
}
