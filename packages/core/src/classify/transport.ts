import type { TransportFailure } from '../types.js';

/** Errno and client codes for a request that never reached the server: safe to re-send. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** Codes for an attempt that ran out of time after the request may have been sent. */
const TIMED_OUT = new Set([
  'ETIMEDOUT',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_TIMEOUT',
]);

/** Codes for a connection that failed after the bytes left: the server may have processed it. */
const AMBIGUOUS = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_BAD_RESPONSE',
]);

const ABORTED = new Set(['ERR_CANCELED', 'ABORT_ERR', 'UND_ERR_ABORTED']);

function read(value: unknown, name: string): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return undefined;
  try {
    return (value as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

function ownFailure(error: unknown): TransportFailure | undefined {
  const name = read(error, 'name');
  const code = read(error, 'code');
  const message = read(error, 'message');
  if (name === 'AbortError' || name === 'CanceledError') return 'aborted';
  if (name === 'TimeoutError') return 'timeout';
  if (typeof code === 'string') {
    if (ABORTED.has(code)) return 'aborted';
    if (NOT_SENT.has(code)) return 'not-sent';
    if (TIMED_OUT.has(code)) return 'timeout';
    if (AMBIGUOUS.has(code)) return 'ambiguous';
  }
  if (typeof message === 'string') {
    if (/socket hang up|other side closed|premature close/i.test(message)) return 'ambiguous';
    if (/timeout|timed out/i.test(message)) return 'timeout';
  }
  return undefined;
}

/** How far down `cause` chains and AggregateError members the search goes, and how wide. */
const MAX_DEPTH = 6;
const MAX_MEMBERS = 16;
const MAX_VISITS = 64;

interface Search {
  /** Results by error; `null` while an error is being looked at, so a loop ends there. */
  readonly memo: Map<unknown, TransportFailure | null>;
  visits: number;
}

function failureOf(error: unknown, depth: number, search: Search): TransportFailure {
  if (error === undefined || error === null || depth >= MAX_DEPTH) return 'ambiguous';
  const known = search.memo.get(error);
  if (known !== undefined) return known ?? 'ambiguous';
  if (++search.visits > MAX_VISITS) return 'ambiguous';
  search.memo.set(error, null);
  const result =
    ownFailure(error) ?? viaMembers(error, depth, search) ?? viaCause(error, depth, search);
  search.memo.set(error, result);
  return result;
}

/** An AggregateError (happy eyeballs tried several addresses): nothing sent only if none was. */
function viaMembers(error: unknown, depth: number, search: Search): TransportFailure | undefined {
  const members = read(error, 'errors');
  if (!Array.isArray(members) || members.length === 0) return undefined;
  const failures = members
    .slice(0, MAX_MEMBERS)
    .map((member) => failureOf(member, depth + 1, search));
  if (failures.every((f) => f === 'not-sent')) return 'not-sent';
  return failures.find((f) => f !== 'not-sent') ?? 'ambiguous';
}

function viaCause(error: unknown, depth: number, search: Search): TransportFailure {
  const cause = read(error, 'cause');
  return cause === undefined || cause === null ? 'ambiguous' : failureOf(cause, depth + 1, search);
}

/**
 * How a thrown transport error relates to the request. Looks through `cause` chains (undici's
 * `TypeError: fetch failed`) and AggregateError members. Anything not recognised is taken as
 * ambiguous: for money, "it may have gone through" is the only safe assumption.
 */
export function transportFailureOf(error: unknown): TransportFailure {
  try {
    return failureOf(error, 0, { memo: new Map(), visits: 0 });
  } catch {
    return 'ambiguous';
  }
}
