/**
 * The fault matrix: every way a PortOne answer can go wrong on the wire, for a read and a create,
 * through both adapters, against the loopback simulator over real sockets. Each cell states the
 * outcome (resolved, or the exact error class), how many requests PortOne saw, and the ledger:
 * a merchant order ref never holds two payments.
 */
import {
  DEFAULT_CUSTOMER_MESSAGES,
  GENERIC_DECLINE_MESSAGE,
  isPortOneError,
  type PolicyOptions,
  PortOneCardError,
  type PortOneError,
  PortOneNetworkError,
  PortOnePspError,
  PortOneSystemError,
  PortOneTimeoutError,
  PortOneUnknownError,
  PortOneValidationError,
  type ReconcileEvent,
  type RetryEvent,
} from '@portone-retry/core';
import {
  envelope,
  htmlStatusPage,
  httpStatusFor,
  type Simulator,
  type Step,
  startSimulator,
} from '@portone-retry/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type Client, makeClient, newRef, recordEvents } from './support.js';

/** Tiny delays: the matrix crosses real sockets without fake timers and stays fast. */
const POLICY: PolicyOptions = {
  minDelayMs: 1,
  maxDelayMs: 5,
  attemptTimeoutMs: 200,
  pollIntervalMs: 5,
  pollMaxIntervalMs: 10,
};

const CREATE = 'POST /api/initiatePayment';
const statusRoute = (ref: string) => `GET /api/transaction/${ref}/status`;

/** Any PortOneError subclass (their constructors take different init shapes). */
type ErrorClass = abstract new (...args: never[]) => PortOneError;

type Op = 'read' | 'create';

interface Expectation {
  /** `ok`: the call resolves; otherwise the exact class it rejects with. */
  readonly outcome: 'ok' | ErrorClass;
  /** Requests the simulator saw on the operation's own route. */
  readonly requests: number;
  /** Attempts the engine sent (`attempt` events); defaults to `requests`. */
  readonly sends?: number;
  /** For a create: status lookups the simulator saw (reconcile and polling). Defaults to 0. */
  readonly lookups?: number;
  /** Payments in the ledger for the order ref afterwards. */
  readonly ledger: number;
  /** The `action` of each reconcile event, in order. Defaults to none. */
  readonly reconcile?: readonly ReconcileEvent['action'][];
  /** The class of the first retry event's error, when the call was retried. */
  readonly retried?: ErrorClass;
  /** The error's `code`; `null` for an error that must carry none. */
  readonly code?: number | null;
  readonly httpStatus?: number;
  readonly customerMessage?: string;
  readonly ambiguous?: boolean;
  /** Resolved data must match this. */
  readonly data?: unknown;
  /** At least this many poll events. */
  readonly minPolls?: number;
}

interface Cell {
  readonly name: string;
  /** Scripted answers for the operation's route, or `refused` for a closed port. */
  readonly fault: readonly Step[] | 'refused';
  readonly policy?: PolicyOptions;
  /** Prepares the simulator for the create (e.g. PortOne already holds a pending payment). */
  readonly seedCreate?: (sim: Simulator, ref: string) => void;
  readonly read?: Expectation;
  readonly create?: Expectation;
}

const READ_OK = { content: { status: 'Success' } };
const CREATED = { is_success: true };

/** A read retried once after a fault, then answered; the ledger still holds the one payment. */
const readRetried = (retried: ErrorClass): Expectation => ({
  outcome: 'ok',
  requests: 2,
  ledger: 1,
  retried,
  data: READ_OK,
});

/** A create whose failure left nothing behind: looked up (not found), then sent once more. */
const createResent = (retried: ErrorClass): Expectation => ({
  outcome: 'ok',
  requests: 2,
  lookups: 1,
  ledger: 1,
  reconcile: ['resend'],
  retried,
  data: CREATED,
});

/**
 * A create that PortOne processed before the answer was lost: looked up by order ref and
 * followed, not re-sent (a lookup is no retry: no retry event).
 */
const createFollowed: Expectation = {
  outcome: 'ok',
  requests: 1,
  lookups: 1,
  ledger: 1,
  reconcile: ['follow'],
  data: READ_OK,
};

/** Fails at once, one request, nothing created. */
const failsOnce = (
  outcome: ErrorClass,
  extra: Partial<Expectation> = {},
  ledger = 0,
): Expectation => ({ outcome, requests: 1, ledger, ...extra });

/** An answer exactly as given, with PortOne's HTTP status for a code. */
const coded = (code: number): Step => ({
  raw: { status: httpStatusFor(code), body: envelope(code) },
});

const TEN_MB = 10_000_000;
const DECLINED_6014 = DEFAULT_CUSTOMER_MESSAGES[6014] as string;

const CELLS: readonly Cell[] = [
  {
    name: 'connection refused (closed port)',
    fault: 'refused',
    read: {
      outcome: PortOneNetworkError,
      requests: 0,
      sends: 4,
      ledger: 1,
      ambiguous: false,
      retried: PortOneNetworkError,
    },
    create: {
      outcome: PortOneNetworkError,
      requests: 0,
      sends: 4,
      ledger: 0,
      ambiguous: false,
      retried: PortOneNetworkError,
    },
  },
  {
    name: 'connection reset before the response',
    fault: [{ reset: 'before' }],
    read: readRetried(PortOneNetworkError),
    create: createResent(PortOneNetworkError),
  },
  {
    name: 'connection reset mid-body',
    fault: [{ truncated: true }],
    read: readRetried(PortOneNetworkError),
    create: createFollowed,
  },
  {
    name: 'slow headers past the attempt timeout',
    fault: [{ delayMs: 1000 }],
    read: readRetried(PortOneTimeoutError),
    create: createFollowed,
  },
  {
    name: 'slow body past the attempt timeout',
    fault: [{ slowBodyMs: 1000 }],
    read: readRetried(PortOneTimeoutError),
    create: createFollowed,
  },
  ...[502, 503, 504].map(
    (status): Cell => ({
      name: `proxy HTML ${status}`,
      fault: [{ html: status }],
      read: readRetried(PortOneSystemError),
      create: createResent(PortOneSystemError),
    }),
  ),
  {
    name: 'proxy HTML 502 on every attempt',
    fault: [{ html: 502 }, { html: 502 }, { html: 502 }, { html: 502 }],
    read: {
      outcome: PortOneSystemError,
      requests: 4,
      ledger: 1,
      httpStatus: 502,
      code: null,
      retried: PortOneSystemError,
    },
    create: {
      outcome: PortOneSystemError,
      requests: 4,
      // The last 502 is looked up too before the call gives up: PortOne holds nothing.
      lookups: 4,
      ledger: 0,
      httpStatus: 502,
      code: null,
      reconcile: ['resend', 'resend', 'resend', 'fail'],
      retried: PortOneSystemError,
    },
  },
  {
    // A 2xx with nothing that says otherwise is a success (DESIGN: classify); to a create it
    // proves nothing was charged, so it is looked up: not there, sent again.
    name: 'empty 200',
    fault: [{ empty: 200 }],
    read: { outcome: 'ok', requests: 1, ledger: 1, data: '' },
    create: createResent(PortOneUnknownError),
  },
  {
    name: 'empty 502',
    fault: [{ empty: 502 }],
    read: readRetried(PortOneSystemError),
    create: createResent(PortOneSystemError),
  },
  {
    // Unparseable text on a 2xx says nothing otherwise: a success, handed back as text.
    name: 'truncated JSON at 200',
    fault: [{ raw: { status: 200, body: '{"status_code":"2000","content":{"sta' } }],
    read: { outcome: 'ok', requests: 1, ledger: 1, data: '{"status_code":"2000","content":{"sta' },
    create: createResent(PortOneUnknownError),
  },
  {
    name: 'truncated JSON at 500',
    fault: [{ raw: { status: 500, body: '{"status_code":"50' } }],
    read: readRetried(PortOneSystemError),
    create: createResent(PortOneSystemError),
  },
  {
    name: '10 MB body at 200',
    fault: [{ raw: { status: 200, body: 'x'.repeat(TEN_MB), contentType: 'application/json' } }],
    // Reading 10 MB takes ~80 ms alone; under a loaded 2-core run it can pass 200 ms, which
    // would turn the cell into a (correct, but different) timeout-and-retry cell.
    policy: { attemptTimeoutMs: 5000 },
    read: { outcome: 'ok', requests: 1, ledger: 1 },
    create: createResent(PortOneUnknownError),
  },
  {
    name: '10 MB HTML body at 503',
    fault: [
      {
        raw: { status: 503, body: `<html>${'x'.repeat(TEN_MB)}</html>`, contentType: 'text/html' },
      },
    ],
    policy: { attemptTimeoutMs: 5000 },
    read: readRetried(PortOneSystemError),
  },
  {
    name: 'JSON sent as text/plain (6014 at 400)',
    fault: [
      { raw: { status: 400, body: JSON.stringify(envelope(6014)), contentType: 'text/plain' } },
    ],
    read: failsOnce(PortOneCardError, { code: 6014, customerMessage: DECLINED_6014 }, 1),
    create: failsOnce(PortOneCardError, {
      code: 6014,
      customerMessage: DECLINED_6014,
    }),
  },
  {
    name: 'HTML sent as application/json (502)',
    fault: [{ raw: { status: 502, body: htmlStatusPage(502), contentType: 'application/json' } }],
    read: readRetried(PortOneSystemError),
    create: createResent(PortOneSystemError),
  },
  {
    // An unknown pending code: polled, never re-sent. For the create PortOne holds the payment.
    name: 'unknown code 1999 (pending series)',
    fault: [coded(1999)],
    seedCreate: (sim, ref) =>
      sim.ledger.create(ref, { status: 'Pending', pollsLeft: 1, settleTo: 'Success' }),
    read: { outcome: 'ok', requests: 2, ledger: 1, minPolls: 1, data: READ_OK },
    create: { outcome: 'ok', requests: 1, lookups: 2, ledger: 1, minPolls: 2, data: READ_OK },
  },
  {
    name: 'unknown code 2999 (success series)',
    fault: [coded(2999)],
    read: { outcome: 'ok', requests: 1, ledger: 1, data: { status_code: '2999' } },
    create: { outcome: 'ok', requests: 1, ledger: 0, data: { status_code: '2999' } },
  },
  {
    name: 'unknown code 3001 (no such series)',
    fault: [coded(3001)],
    read: failsOnce(PortOneUnknownError, { code: 3001 }, 1),
    create: failsOnce(PortOneUnknownError, { code: 3001 }),
  },
  {
    name: 'unknown code 4999 (validation series)',
    fault: [coded(4999)],
    read: failsOnce(PortOneValidationError, { code: 4999 }, 1),
    create: failsOnce(PortOneValidationError, { code: 4999 }),
  },
  {
    name: 'unknown code 5999 (system series)',
    fault: [coded(5999)],
    read: readRetried(PortOneSystemError),
    create: createResent(PortOneSystemError),
  },
  {
    name: 'unknown code 6999 (card series)',
    fault: [coded(6999)],
    read: failsOnce(PortOneCardError, { code: 6999, customerMessage: GENERIC_DECLINE_MESSAGE }, 1),
    create: failsOnce(PortOneCardError, { code: 6999, customerMessage: GENERIC_DECLINE_MESSAGE }),
  },
  {
    name: 'unknown code 7999 (unknown series)',
    fault: [coded(7999)],
    read: failsOnce(PortOneUnknownError, { code: 7999 }, 1),
    create: failsOnce(PortOneUnknownError, { code: 7999 }),
  },
  {
    name: 'unknown code 8999 (other PSP series)',
    fault: [coded(8999)],
    read: readRetried(PortOnePspError),
    create: createResent(PortOnePspError),
  },
  {
    // DESIGN: "unknown series (→ unknown)". classify drops any code outside 1000–8999 and lets
    // the HTTP status decide: a 9999 at 400 becomes a PortOneValidationError.
    name: 'unknown code 9999 (no such series) at HTTP 400',
    fault: [coded(9999)],
    read: failsOnce(PortOneUnknownError, { code: null, httpStatus: 400 }, 1),
    create: failsOnce(PortOneUnknownError, { code: null, httpStatus: 400 }),
  },
  {
    // Worse: at HTTP 200 the dropped 9999 leaves "a 2xx with nothing that says otherwise", and
    // the call resolves as a success.
    name: 'unknown code 9999 (no such series) at HTTP 200',
    fault: [{ raw: { status: 200, body: envelope(9999) } }],
    read: failsOnce(PortOneUnknownError, { code: null, httpStatus: 200 }, 1),
    create: failsOnce(PortOneUnknownError, { code: null, httpStatus: 200 }),
  },
  ...(
    [
      ['number', 6014, PortOneCardError, 6014],
      ['string', '6014', PortOneCardError, 6014],
      ['null', null, PortOneValidationError, null],
      ['an object', { code: '6014' }, PortOneValidationError, null],
    ] as const
  ).map(
    ([label, statusCode, outcome, code]): Cell => ({
      name: `status_code as ${label} (HTTP 400)`,
      fault: [{ raw: { status: 400, body: { status_code: statusCode, message: 'declined' } } }],
      read: failsOnce(outcome, { code, httpStatus: 400 }, 1),
      create: failsOnce(outcome, { code, httpStatus: 400 }),
    }),
  ),
  {
    // A refund's success carries no envelope at all: a 2xx without one is a success.
    name: 'missing envelope at 200',
    fault: [{ raw: { status: 200, body: { order_ref: 'PO1', amount: 1000 } } }],
    read: { outcome: 'ok', requests: 1, ledger: 1, data: { order_ref: 'PO1' } },
    create: { outcome: 'ok', requests: 1, ledger: 0, data: { order_ref: 'PO1' } },
  },
  {
    name: 'missing envelope at 500',
    fault: [{ raw: { status: 500, body: { error: 'internal' } } }],
    read: readRetried(PortOneSystemError),
    create: createResent(PortOneSystemError),
  },
];

const OPS: readonly Op[] = ['read', 'create'];
const MATRIX = CELLS.flatMap((cell) =>
  ADAPTERS.flatMap((adapter) =>
    OPS.filter((op) => cell[op] !== undefined).map((op) => ({ cell, adapter, op })),
  ),
);
console.log(
  `fault matrix: ${CELLS.length} faults × ${ADAPTERS.length} adapters × read/create = ${MATRIX.length} cells`,
);

const opened: Simulator[] = [];
afterAll(async () => {
  await Promise.all(opened.map((sim) => sim.close()));
});

async function freshSimulator(): Promise<Simulator> {
  const sim = await startSimulator({ validate: false });
  opened.push(sim);
  return sim;
}

async function runCell(cell: Cell, adapter: (typeof ADAPTERS)[number], op: Op): Promise<void> {
  const expected = cell[op] as Expectation;
  const sim = await freshSimulator();
  // A closed port: the simulator's address, after it stopped listening. Every connect is refused.
  if (cell.fault === 'refused') await sim.close();
  const ref = newRef(`M${op}`);
  const route = op === 'read' ? statusRoute(ref) : CREATE;
  if (op === 'read') sim.ledger.create(ref);
  else cell.seedCreate?.(sim, ref);
  if (cell.fault !== 'refused') sim.script(route, cell.fault);
  const baseUrl = sim.url;

  const client: Client = makeClient(adapter, baseUrl, { policy: { ...POLICY, ...cell.policy } });
  const events = recordEvents(client.engine);
  const call =
    op === 'read'
      ? client.get(`${baseUrl}/api/transaction/${ref}/status`)
      : client.post(`${baseUrl}/api/initiatePayment`, {
          merchant_order_id: ref,
          amount: 1000,
          currency: 'KRW',
        });
  const settled = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  events.stop();

  if (expected.outcome === 'ok') {
    if (!settled.ok) throw settled.error;
    expect(settled.value.status).toBe(200);
    if (expected.data !== undefined) {
      if (typeof expected.data === 'object' && expected.data !== null) {
        expect(settled.value.data).toMatchObject(expected.data);
      } else {
        expect(settled.value.data).toBe(expected.data);
      }
    }
  } else {
    expect(settled.ok, 'the call should have failed').toBe(false);
    const error = (settled as { error: unknown }).error as PortOneError;
    expect(isPortOneError(error)).toBe(true);
    expect(error.name).toBe(expected.outcome.name);
    expect(error).toBeInstanceOf(expected.outcome);
    expect(error.attempts).toBe(expected.sends ?? expected.requests);
    if (expected.code !== undefined) expect(error.code).toBe(expected.code ?? undefined);
    if (expected.httpStatus !== undefined) expect(error.httpStatus).toBe(expected.httpStatus);
    if (expected.customerMessage !== undefined) {
      expect(error.customerMessage).toBe(expected.customerMessage);
      expect(events.of('surface')).toHaveLength(1);
    }
    if (expected.ambiguous !== undefined) {
      expect((error as PortOneNetworkError).ambiguous).toBe(expected.ambiguous);
    }
  }

  // What PortOne saw.
  expect(sim.requests(route)).toBe(expected.requests);
  if (op === 'create') expect(sim.requests(statusRoute(ref))).toBe(expected.lookups ?? 0);
  expect(events.of('attempt')).toHaveLength(expected.sends ?? expected.requests);

  // Money: never two payments for one order ref.
  expect(sim.ledger.count(ref)).toBe(expected.ledger);
  expect(sim.ledger.duplicates()).toEqual([]);

  // A create goes out again only after a lookup found nothing, or when it surely never left.
  if (op === 'create') {
    let allowed = 0;
    let sent = 0;
    for (const { event, payload } of events.log) {
      if (event === 'reconcile' && (payload as ReconcileEvent).action === 'resend') allowed++;
      const failed = event === 'retry' ? (payload as RetryEvent).error : undefined;
      if (failed instanceof PortOneNetworkError && failed.transport === 'not-sent') allowed++;
      if (event === 'attempt' && ++sent > 1) {
        expect(allowed, `attempt ${sent} of a create was sent without a lookup`).toBeGreaterThan(0);
        allowed--;
      }
    }
  }

  // The call settled exactly once, and said how.
  expect(events.of('success').length + events.of('failure').length).toBe(1);
  expect(events.of('success')).toHaveLength(expected.outcome === 'ok' ? 1 : 0);
  expect(events.of('reconcile').map((e) => e.action)).toEqual(expected.reconcile ?? []);
  const retries = events.of('retry');
  if (expected.retried === undefined) {
    expect(retries).toHaveLength(0);
  } else {
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]?.error).toBeInstanceOf(expected.retried);
  }
  if (expected.minPolls !== undefined) {
    expect(events.of('poll').length).toBeGreaterThanOrEqual(expected.minPolls);
  }
}

async function runCellAndClose(cell: Cell, adapter: (typeof ADAPTERS)[number], op: Op) {
  try {
    await runCell(cell, adapter, op);
  } finally {
    await Promise.all(opened.splice(0).map((sim) => sim.close()));
  }
}

describe('fault matrix over real sockets', () => {
  for (const { cell, adapter, op } of MATRIX) {
    const title = `${adapter} · ${op} · ${cell.name}`;
    it(title, () => runCellAndClose(cell, adapter, op), 20_000);
  }
});
