import { bodyDigest, type Intent, type IntentOutcome } from '../journal/index.js';
import { fieldAt, fieldsOf } from '../operations/fields.js';
import {
  type EndpointKind,
  type HeadersLike,
  lookupOperation,
  lookupPathOf,
  refOf,
} from '../operations/index.js';
import type { PaymentStatus } from '../types.js';
import type { Call } from './call.js';
import type { SettledBy } from './types.js';

/**
 * The engine's side of the journal: a money move is written down before its first send and
 * closed when its outcome is known. A journal that is slow or down never holds or fails a
 * payment: each write waits at most `JOURNAL_TIMEOUT_MS`, and a failure is an event.
 */

/** How long a journal write may hold a call: a Redis write takes well under a millisecond. */
export const JOURNAL_TIMEOUT_MS = 1_000;

/** The request parts an intent is built from that the call itself does not keep. */
export interface IntentRequest {
  /** The request body (parsed object, JSON or form text, bytes). */
  readonly body?: unknown;
  /** The request headers: lookups that name the merchant's key read `X-Portone-Client-Key`. */
  readonly headers?: HeadersLike;
}

/** Calls whose intent was written (or tried): only those are closed. */
const opened = new WeakMap<Call<unknown>, Intent>();

/** Fields of a request a lookup's answer is compared with; none of them is a secret. */
const COMPARED = ['amount', 'status', 'currency'] as const;

/** What the journal records of a call's endpoint: its kind, name, ref and the lookup that settles it. */
interface Contract {
  readonly kind: EndpointKind;
  readonly id: string;
  readonly ref: string | undefined;
  readonly lookup: Intent['lookup'];
}

/**
 * The call's contract. An adapter described the request from the catalogue already (kind, name,
 * ref, lookup plan): that is taken as it is. An operation built by hand, without a name, is
 * looked up in the catalogue here.
 */
function contractOf<R>(call: Call<R>, body: unknown, headers: HeadersLike | undefined): Contract {
  const { operation } = call;
  if (operation.name !== undefined) {
    return {
      kind: operation.kind,
      id: operation.name,
      ref: call.orderRef,
      lookup: operation.lookup?.request,
    };
  }
  const { method, url } = operation;
  const declared = call.policy.settings.operations;
  const info = lookupOperation(method, url, declared);
  // An endpoint the catalogue does not know: the operation's own kind decides.
  if (info === undefined) {
    return { kind: operation.kind, id: call.endpoint, ref: call.orderRef, lookup: undefined };
  }
  const ref = refOf(info, { url, body }) ?? call.orderRef;
  let lookup: Intent['lookup'];
  if (info.lookup !== undefined && ref !== undefined) {
    try {
      lookup = lookupPathOf(info, ref, {
        url,
        body,
        declared,
        ...(headers === undefined ? {} : { headers }),
      });
    } catch {
      // No safe lookup (a key it needs is missing): the intent is kept without one.
    }
  }
  return { kind: info.kind, id: info.id, ref, lookup };
}

function compareOf(body: unknown): Record<string, string | number> | undefined {
  const fields = fieldsOf(body);
  if (fields === undefined) return undefined;
  const out: Record<string, string | number> = {};
  for (const name of COMPARED) {
    const value = fieldAt(fields, name);
    if (typeof value === 'string' || typeof value === 'number') out[name] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The intent of `call`, or undefined when the call moves no money (a read, a config write). */
export async function intentOf<R>(
  call: Call<R>,
  request: IntentRequest = {},
): Promise<Intent | undefined> {
  // Reads and config writes move no money: nothing to write down.
  if (call.operation.kind !== 'create' && call.operation.kind !== 'money-move') return undefined;
  const body = request.body ?? call.operation.body;
  const { kind, id, ref, lookup } = contractOf(call, body, request.headers);
  if (kind !== 'create' && kind !== 'money-move') return undefined;
  const { method } = call.operation;
  const compare = compareOf(body);
  return {
    id: call.id,
    operation: id,
    kind,
    ...(ref === undefined ? {} : { orderRef: ref }),
    method: method.toUpperCase(),
    url: call.url,
    bodyDigest: await bodyDigest(body).catch(() => ''),
    ...(lookup === undefined ? {} : { lookup }),
    ...(compare === undefined ? {} : { compare }),
    startedAt: call.startedAt,
  };
}

function bounded<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the journal did not answer within ${JOURNAL_TIMEOUT_MS} ms`)),
      JOURNAL_TIMEOUT_MS,
    );
    Promise.resolve()
      .then(work)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/**
 * Writes `call`'s intent before its first send, when the call moves money (a create or a money
 * move; reads and config writes are not journalled). Never rejects: a journal that fails or
 * takes longer than `JOURNAL_TIMEOUT_MS` emits `journal` (`not-durable`) and the call goes on.
 */
export async function openIntent<R>(call: Call<R>, request?: IntentRequest): Promise<void> {
  if (opened.has(call as Call<unknown>)) return;
  let intent: Intent | undefined;
  try {
    intent = await intentOf(call, request);
    if (intent === undefined) return;
    opened.set(call as Call<unknown>, intent);
    const written = intent;
    await bounded(() => call.scope.journal.open(written));
  } catch (error) {
    call.emit('journal', { state: 'not-durable', error });
  }
}

/** How a call ended, as `closeIntent` reads it. */
export interface CallOutcome {
  readonly settledBy?: SettledBy;
  readonly status?: PaymentStatus;
  readonly failed?: 'not-sent' | 'not-found' | 'declined' | 'ambiguous';
}

/**
 * Whether `outcome` settles the payment: an answer with a final status (or none: a refund's
 * plain success), or a failure that says nothing moved. An ambiguous failure, a pending payment
 * whose polling ran out, and an outcome that says nothing leave the intent open.
 */
export function settles(outcome: CallOutcome): boolean {
  if (outcome.failed !== undefined) return outcome.failed !== 'ambiguous';
  return outcome.settledBy !== undefined && outcome.status !== 'Pending';
}

/**
 * Closes `call`'s intent when the call ends with a known outcome; leaves it open for the
 * reconciler otherwise (see `settles`). Never rejects: a close that fails emits `journal`
 * (`not-closed`), and the reconciler will settle that intent again, harmlessly.
 */
export async function closeIntent<R>(call: Call<R>, outcome: CallOutcome): Promise<void> {
  const intent = opened.get(call as Call<unknown>);
  if (intent === undefined || !settles(outcome)) return;
  opened.delete(call as Call<unknown>);
  const closing: IntentOutcome = { ...outcome };
  try {
    await bounded(() => call.scope.journal.close(intent.id, closing));
  } catch (error) {
    call.emit('journal', { state: 'not-closed', error });
  }
}

/**
 * How a failed call leaves its intent: `not-sent` when no attempt went out; `ambiguous` when
 * the error says so (`PortOneError.ambiguous`); `declined` when
 * PortOne's last answer was a refusal that leaves nothing unknown (no lookup unsettled, no
 * pending payment being followed); else `ambiguous`, and the intent stays open.
 */
export function failureOutcome<R>(call: Call<R>, error: unknown): CallOutcome {
  if (call.attempts === 0) return { failed: 'not-sent' };
  if ((error as { readonly ambiguous?: unknown } | undefined)?.ambiguous === true) {
    return { failed: 'ambiguous' };
  }
  const answered = call.lastSent !== undefined && !call.lastSent.ambiguous;
  if (answered && call.unsettled === undefined && call.lastPending === undefined) {
    return { failed: 'declined' };
  }
  return { failed: 'ambiguous' };
}

/** The outcome of a call that resolved: what settled it, and the status it stated. */
export function settledOutcome(settled: {
  readonly settledBy: SettledBy;
  readonly c: { readonly paymentStatus?: PaymentStatus | undefined };
}): CallOutcome {
  const status = settled.c.paymentStatus;
  return { settledBy: settled.settledBy, ...(status === undefined ? {} : { status }) };
}
