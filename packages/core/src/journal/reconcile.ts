import { type Engine, scopeOf } from '../engine/engine.js';
import { type LookupTransport, lookupTransportOf } from '../engine/lookup-transport.js';
import { operationById } from '../operations/index.js';
import { readLookup } from '../operations/read-lookup.js';
import type { LookupResult, OperationInfo } from '../operations/types.js';
import type { PaymentStatus } from '../types.js';
import type { Intent } from './types.js';

/**
 * What the reconciler learnt about an intent:
 * - a payment status: PortOne holds what the intent created or moved, in that state (`Pending`
 *   only when polling ran out: the intent stays open);
 * - `done`: the money moved, and the answer names no payment status (a plan, a refund listed
 *   without one);
 * - `not-found`: PortOne holds nothing under the ref: nothing was charged or moved;
 * - `unknown`: no lookup could say (no lookup for this operation, or none answered readably).
 */
export type ReconcileStatus = PaymentStatus | 'done' | 'not-found' | 'unknown';

/** How the reconciler left one intent. */
export interface ReconcileOutcome {
  readonly status: ReconcileStatus;
  /** Whether the intent was closed: false for `Pending` and `unknown`, which are settled later. */
  readonly closed: boolean;
  /** Lookups sent for this intent. */
  readonly lookups: number;
}

/** One intent the reconciler looked at, and what it found. */
export interface SettledIntent {
  readonly intent: Intent;
  readonly outcome: ReconcileOutcome;
}

/** Options of `reconcile` and `reconcileIntent`. */
export interface ReconcileOptions {
  /**
   * Only intents started at least this long ago: a younger one may belong to a call still running.
   * @default 0
   */
  readonly olderThanMs?: number;
  /**
   * How lookups reach PortOne.
   * @default the transport the engine's adapter registered (`registerLookupTransport`)
   */
  readonly lookup?: LookupTransport;
  /** Wait between two checks of a pending payment, in ms. @default 2000 */
  readonly pollIntervalMs?: number;
  /** How long a pending payment is polled before it is left open for the next run, in ms. @default 600000 */
  readonly pollDeadlineMs?: number;
  /** Lookups tried in a row when none answers readably. @default 3 */
  readonly lookupAttempts?: number;
  /** Timeout of one lookup, in ms. @default 10000 */
  readonly lookupTimeoutMs?: number;
  /** Intents settled at the same time. @default 8 */
  readonly concurrency?: number;
  /** Stops the run: intents not yet settled stay open. */
  readonly signal?: AbortSignal;
}

const isPaymentStatus = (status: ReconcileStatus): status is PaymentStatus =>
  status === 'Success' || status === 'Failed' || status === 'Pending' || status === 'Expired';

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** The URL of the intent's lookup: on the origin (and gateway base path) its request went to. */
function lookupUrl(intent: Intent, path: string): string {
  if (!/^https?:\/\//i.test(intent.url)) return path;
  const original = new URL(intent.url);
  const at = original.pathname.indexOf('/api/');
  const base = at > 0 ? original.pathname.slice(0, at) : '';
  return `${original.origin}${base}${path}`;
}

function requireEngine(engine: Engine, name: string) {
  const scope = scopeOf(engine);
  if (scope === undefined) throw new TypeError(`${name}: engine must be made by createEngine`);
  return scope;
}

function checkOptions(options: ReconcileOptions, name: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${name}: options must be an object`);
  }
  for (const key of [
    'olderThanMs',
    'pollIntervalMs',
    'pollDeadlineMs',
    'lookupAttempts',
    'lookupTimeoutMs',
    'concurrency',
  ] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
      throw new TypeError(`${name}: ${key} must be a number >= 0`);
    }
  }
  if (options.lookup !== undefined && typeof options.lookup !== 'function') {
    throw new TypeError(`${name}: lookup must be a function`);
  }
}

/** One lookup, read with the catalogue; any failure to get a readable answer is `unknown`. */
async function lookOnce(
  op: OperationInfo,
  intent: Intent,
  transport: LookupTransport,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<LookupResult> {
  const lookup = intent.lookup as NonNullable<Intent['lookup']>;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  try {
    const answer = await transport(
      {
        method: lookup.method,
        url: lookupUrl(intent, lookup.path),
        ...(lookup.body === undefined ? {} : { body: lookup.body }),
      },
      { signal: combined },
    );
    return readLookup(
      op,
      { httpStatus: answer.httpStatus, body: answer.body },
      {
        ...(intent.compare === undefined ? {} : { body: intent.compare }),
        ...(intent.orderRef === undefined ? {} : { ref: intent.orderRef }),
      },
    );
  } catch {
    return { state: 'unknown' };
  }
}

/**
 * Settles one open intent by its lookup: polls a pending payment until it ends (or
 * `pollDeadlineMs`), reads "not there" for a create or a move as nothing charged, emits
 * `reconcile` and closes the intent when its outcome is known. Resolves with what it found; it
 * rejects only on bad arguments or when the journal cannot be closed (so a queue retries it).
 */
export async function reconcileIntent(
  engine: Engine,
  intent: Intent,
  options: ReconcileOptions = {},
): Promise<ReconcileOutcome> {
  checkOptions(options, 'reconcileIntent');
  const scope = requireEngine(engine, 'reconcileIntent');
  const transport = options.lookup ?? lookupTransportOf(engine);
  const declared = engine.policy.settings.operations;
  const op = operationById(intent.operation, declared);
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const pollDeadline = scope.now() + (options.pollDeadlineMs ?? 600_000);
  const attempts = Math.max(1, options.lookupAttempts ?? 3);
  const timeoutMs = options.lookupTimeoutMs ?? 10_000;
  const { signal } = options;

  let lookups = 0;
  let status: ReconcileStatus = 'unknown';
  if (op !== undefined && intent.lookup !== undefined && transport !== undefined) {
    let failures = 0;
    while (!signal?.aborted) {
      lookups++;
      const result = await lookOnce(op, intent, transport, timeoutMs, signal);
      if (result.state === 'unknown') {
        status = 'unknown';
        if (++failures >= attempts) break;
        await sleep(Math.min(pollIntervalMs, 1_000 * failures), signal);
        continue;
      }
      failures = 0;
      if (result.state === 'not-found') {
        status = 'not-found';
        break;
      }
      status = result.status ?? 'done';
      if (status !== 'Pending' || scope.now() + pollIntervalMs > pollDeadline) break;
      await sleep(pollIntervalMs, signal);
    }
  }

  const closed = status !== 'Pending' && status !== 'unknown';
  const found = status !== 'not-found' && status !== 'unknown';
  const payment = isPaymentStatus(status) ? status : undefined;
  if (scope.events.listenerCount('reconcile') > 0) {
    scope.events.emit('reconcile', {
      operationId: intent.id,
      operation: intent.operation,
      endpoint: op === undefined ? intent.operation : `${op.method} ${op.path}`,
      attempt: 0,
      elapsedMs: Math.max(0, scope.now() - intent.startedAt),
      method: intent.method,
      url: intent.url,
      ...(intent.orderRef === undefined ? {} : { orderRef: intent.orderRef }),
      found,
      action: status === 'not-found' ? 'close' : found ? 'follow' : 'fail',
      ...(payment === undefined ? {} : { status: payment }),
      source: 'journal',
    });
  }
  if (closed) {
    await scope.journal.close(
      intent.id,
      status === 'not-found'
        ? { failed: 'not-found' }
        : payment === undefined
          ? { settledBy: 'reconcile' }
          : { settledBy: 'reconcile', status: payment },
    );
  }
  return { status, closed, lookups };
}

/**
 * Settles the engine's open intents older than `olderThanMs` through the same lookups the engine
 * uses (the catalogue's), a few at a time; see `reconcileIntent`. An intent that stays open
 * (`unknown`, or `Pending` past the poll deadline) is returned with `closed: false`.
 */
export async function reconcile(
  engine: Engine,
  options: ReconcileOptions = {},
): Promise<SettledIntent[]> {
  checkOptions(options, 'reconcile');
  const scope = requireEngine(engine, 'reconcile');
  const intents = await scope.journal.list({
    now: scope.now(),
    olderThanMs: options.olderThanMs ?? 0,
  });
  const results: SettledIntent[] = new Array(intents.length);
  let next = 0;
  const worker = async () => {
    while (next < intents.length) {
      const index = next++;
      const intent = intents[index] as Intent;
      let outcome: ReconcileOutcome;
      try {
        outcome = await reconcileIntent(engine, intent, options);
      } catch {
        outcome = { status: 'unknown', closed: false, lookups: 0 };
      }
      results[index] = { intent, outcome };
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 8, intents.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
