import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createPolicy,
  lookupOperation,
  lookupPathOf,
  OPERATIONS,
  type OperationInfo,
  readLookup,
  refOf,
} from './support/internals.js';

// PortOne's specs live beside the repository (<repo>/../shared/reference); the package never reads
// them at run time, so the check is skipped, visibly, where they are not there.
// Beside the repository (<repo>/../shared), or beside a worktree of it (<repo>/../../shared).
const reference = ['../../../../shared/reference/', '../../../../../shared/reference/']
  .map((dir) => fileURLToPath(new URL(dir, import.meta.url)))
  .find((dir) => existsSync(dir));
const SPECS = ['payment', 'payout', 'refund', 'subscription'].map(
  (name) => `${reference ?? '/absent/'}${name}_openapispec.yaml`,
);
const present = SPECS.every((file) => existsSync(file));
if (!present) console.warn('operations: spec check skipped, the specs are absent');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function specOperations(): string[] {
  return SPECS.flatMap((file) => {
    const doc = parse(readFileSync(file, 'utf8')) as { paths: Record<string, object> };
    return Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  });
}

const op = (id: string): OperationInfo => {
  const found = OPERATIONS.find((row) => row.id === id);
  if (found === undefined) throw new Error(`no operation ${id}`);
  return found;
};

describe.skipIf(!present)('the operation catalogue against PortOne specs', () => {
  it('holds every path and method of the four specs, and nothing else', () => {
    const spec = specOperations().sort();
    const ours = OPERATIONS.map((row) => `${row.method} ${row.path}`).sort();
    expect(spec).toHaveLength(48);
    expect(ours).toEqual(spec);
  });
});

describe('the operation catalogue', () => {
  it('has unique ids, and every create and money move a lookup that is a catalogued read', () => {
    expect(new Set(OPERATIONS.map((row) => row.id)).size).toBe(OPERATIONS.length);
    for (const row of OPERATIONS) {
      if (row.kind !== 'create' && row.kind !== 'money-move') {
        expect(row.lookup, row.id).toBeUndefined();
        continue;
      }
      expect(row.lookup, row.id).toBeDefined();
      expect(op(row.lookup as string).kind, row.id).toBe('read');
    }
  });

  it.each([
    ['POST', 'https://api.portone.cloud/api/initiatePayment', 'initiatePayment', 'create'],
    ['post', '/api/initiatePayment/', 'initiatePayment', 'create'],
    ['POST', '/api/paymentLink', 'createPaymentLink', 'create'],
    ['GET', '/api/transaction/ord-1/status?x=1#y', 'getTransactionStatus', 'read'],
    ['PUT', '/api/transaction/status', 'updateTransactionStatus', 'money-move'],
    ['POST', '/api/merchant/KEY/fetch-all-payments', 'fetchAllPayments', 'read'],
    ['POST', '/api/merchant/auth-token', 'createAuthToken', 'read'],
    ['POST', '/api/merchant/generate-signature', 'generateSignature', 'read'],
    ['POST', '/api/KEY/transaction-details', 'getTransactionDetails', 'read'],
    ['POST', '/api/refund/po-1', 'createRefund', 'money-move'],
    ['GET', '/api/refund/po-1', 'listRefunds', 'read'],
    ['POST', '/api/transaction/po-1/capture', 'captureTransaction', 'money-move'],
    ['PUT', '/api/subscription/triggerNextDeduction', 'triggerNextDeduction', 'money-move'],
    ['POST', '/api/subscription/createDeduction', 'createDeduction', 'money-move'],
    ['GET', '/api/subscription/plan/txns-records', 'getPlan', 'read'],
    ['GET', '/api/subscription/sub-1/txns-records', 'getSubscriptionTransactions', 'read'],
    ['PUT', '/api/payout/ref/status/Cancelled', 'cancelPayout', 'money-move'],
    ['POST', '/api/payout/transaction', 'createPayout', 'money-move'],
    [
      'GET',
      'https://gw.example/portone/api/transaction/ord-1/status',
      'getTransactionStatus',
      'read',
    ],
    [
      'GET',
      new URL('https://api.portone.cloud/api/paymentLink/L1/status'),
      'getPaymentLinkStatusDeprecated',
      'read',
    ],
  ] as const)('%s %s is %s (%s)', (method, url, id, kind) => {
    expect(lookupOperation(method, url)).toMatchObject({ id, kind });
  });

  it.each([
    ['GET', '/api/initiatePayment'],
    ['POST', '/api/unknown'],
    ['POST', '/v2/initiatePayment'],
    ['DELETE', '/api/refund/po-1'],
    ['GET', '/api/transaction/a/b/status'],
  ])('%s %s is not catalogued', (method, url) => {
    expect(lookupOperation(method, url)).toBeUndefined();
  });

  it('lets declared operations add endpoints and win over the catalogue', () => {
    const declared = {
      'POST /api/v2/refund/{order_ref}': {
        kind: 'money-move',
        lookup: 'listRefunds',
        ref: { in: 'path', param: 'order_ref' },
      },
      'put /api/subscription/triggerNextDeduction': { kind: 'config' },
    } as const;
    expect(lookupOperation('POST', '/api/v2/refund/R1', declared)).toEqual({
      id: 'POST /api/v2/refund/{order_ref}',
      method: 'POST',
      path: '/api/v2/refund/{order_ref}',
      kind: 'money-move',
      lookup: 'listRefunds',
      ref: { in: 'path', param: 'order_ref' },
    });
    expect(lookupOperation('PUT', '/api/subscription/triggerNextDeduction', declared)?.kind).toBe(
      'config',
    );
    const v2 = lookupOperation('POST', '/api/v2/refund/R%2F1', declared) as OperationInfo;
    expect(refOf(v2, { url: '/api/v2/refund/R%2F1' })).toBe('R/1');
  });
});

describe('refOf', () => {
  it.each([
    ['initiatePayment', { body: { merchant_order_id: 'M-1' } }, 'M-1'],
    ['initiatePayment', { body: '{"merchant_order_id":"M-2"}' }, 'M-2'],
    ['initiatePayment', { body: 'merchant_order_id=M-3&amount=1' }, 'M-3'],
    ['initiatePayment', { body: { merchant_order_id: 42 } }, '42'],
    ['initiatePayment', { body: { merchant_order_id: '  ' } }, undefined],
    ['initiatePayment', { body: 'not json' }, undefined],
    ['createPlan', { body: { merchant_order_ref: 'P-1' } }, 'P-1'],
    ['createPayout', { body: { txn_details: { txn_ref: 'T-1' } } }, 'T-1'],
    ['approvePayouts', { body: { txn_refs: ['PT-1'] } }, 'PT-1'],
    ['approvePayouts', { body: { txn_refs: ['PT-1', 'PT-2'] } }, undefined],
    ['createRefund', { url: 'https://api.portone.cloud/api/refund/po%201' }, 'po 1'],
    ['createRefund', { url: '/gw/api/refund/po-2?x=1' }, 'po-2'],
    ['captureTransaction', { url: '/api/transaction/po-3/capture' }, 'po-3'],
    ['createRefund', { url: '/api/other' }, undefined],
    ['addWebhook', { url: '/api/merchant/K/webhook', body: {} }, undefined],
  ] as const)('%s %j → %s', (id, request, expected) => {
    expect(refOf(op(id), request)).toBe(expected);
  });

  it('reads only own fields', () => {
    expect(refOf(op('initiatePayment'), { body: Object.create({ merchant_order_id: 'x' }) })).toBe(
      undefined,
    );
  });
});

describe('lookupPathOf', () => {
  it.each([
    ['initiatePayment', 'M-1', {}, { method: 'GET', path: '/api/transaction/M-1/status' }],
    [
      'initiatePayment',
      'a/b?c#d%',
      {},
      { method: 'GET', path: '/api/transaction/a%2Fb%3Fc%23d%25/status' },
    ],
    ['createDeduction', 'D-1', {}, { method: 'GET', path: '/api/transaction/D-1/status' }],
    [
      'createPaymentLink',
      'L-1',
      { body: { portone_key: 'PK' } },
      { method: 'GET', path: '/api/merchant/PK/paymentLink/L-1/status' },
    ],
    [
      'createPaymentLink',
      'L-1',
      { body: { portone_key: 'PK' }, headers: { 'X-Portone-SubMerchant-Key': 'SUB' } },
      { method: 'GET', path: '/api/merchant/SUB/paymentLink/L-1/status' },
    ],
    ['createPaymentLink', 'L-1', {}, { method: 'GET', path: '/api/paymentLink/L-1/status' }],
    ['createPlan', 'P-1', {}, { method: 'GET', path: '/api/subscription/plan/P-1' }],
    ['createSubscription', 'S-1', {}, { method: 'GET', path: '/api/subscription/S-1' }],
    ['createRefund', 'po-1', {}, { method: 'GET', path: '/api/refund/po-1' }],
    [
      'triggerNextDeduction',
      'S-1',
      {},
      { method: 'GET', path: '/api/subscription/S-1/txns-records' },
    ],
    [
      'captureTransaction',
      'po-1',
      { headers: new Headers({ 'x-portone-client-key': 'CK' }) },
      { method: 'POST', path: '/api/CK/transaction-details', body: { order_ref: 'po-1' } },
    ],
    ['cancelPayout', 'PT-1', {}, { method: 'GET', path: '/api/payout/PT-1/status' }],
  ] as const)('%s %s → %j', (id, ref, context, expected) => {
    expect(lookupPathOf(op(id), ref, context)).toEqual(expected);
  });

  it('looks a payout up in the payouts list under the key the create was sent with', () => {
    const request = lookupPathOf(op('createPayout'), 'T-1', {
      body: { key: 'PK', environment: 'sandbox', txn_details: { txn_ref: 'T-1' } },
    });
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/merchant/PK/payouts',
      body: { page: 1, environment: 'sandbox' },
    });
  });

  it.each(['', '.', '..'])('refuses the ref %j, which would change the path', (ref) => {
    expect(() => lookupPathOf(op('initiatePayment'), ref)).toThrow(
      /cannot be looked up: it would change the lookup's path/,
    );
  });

  it('refuses text that cannot be encoded, an operation with no lookup, and a missing key', () => {
    expect(() => lookupPathOf(op('initiatePayment'), '\uD800')).toThrow(TypeError);
    expect(() => lookupPathOf(op('addWebhook'), 'x')).toThrow(/has no lookup/);
    expect(() => lookupPathOf(op('captureTransaction'), 'po-1')).toThrow(/X-Portone-Client-Key/);
  });

  it('keeps ".." inside a longer ref as one segment', () => {
    expect(lookupPathOf(op('createRefund'), '../x').path).toBe('/api/refund/..%2Fx');
  });
});

describe('readLookup', () => {
  const ok = (body: unknown) => ({ httpStatus: 200, body });
  const status = (s: string) =>
    ok({ content: { order_ref: 'po', status: s }, status_code: '2000' });
  const envelope = (code: string) => ({ message: 'm', status_code: code, status_reason: 'R' });

  it.each([
    ['a status answer', status('Success'), { state: 'done', status: 'Success' }],
    ['a pending one', status('Pending'), { state: 'done', status: 'Pending' }],
    [
      'as text',
      { httpStatus: 200, body: JSON.stringify(status('Expired').body) },
      { state: 'done', status: 'Expired' },
    ],
    ['PortOne not found', { httpStatus: 400, body: envelope('5001') }, { state: 'not-found' }],
    [
      'PortOne invalid reference',
      { httpStatus: 400, body: envelope('4096') },
      { state: 'not-found' },
    ],
    ['a proxy 404 page', { httpStatus: 404, body: '<html>Not Found</html>' }, { state: 'unknown' }],
    [
      'a 404 without envelope',
      { httpStatus: 404, body: { error: 'no route' } },
      { state: 'unknown' },
    ],
    ['a 5xx envelope', { httpStatus: 500, body: envelope('5024') }, { state: 'unknown' }],
    ['an auth failure', { httpStatus: 401, body: envelope('4054') }, { state: 'unknown' }],
    ['an auth code on a 400', { httpStatus: 400, body: envelope('4010') }, { state: 'unknown' }],
    ['a rate limit', { httpStatus: 429, body: envelope('4001') }, { state: 'unknown' }],
    ['an empty 200', { httpStatus: 200, body: '' }, { state: 'unknown' }],
    ['a truncated 200', { httpStatus: 200, body: '{"content":{"sta' }, { state: 'unknown' }],
    ['a 200 with no status', ok({ status_code: '2000' }), { state: 'unknown' }],
    [
      'a 200 carrying an error code',
      ok({ content: { status: 'Success' }, status_code: '5024' }),
      { state: 'unknown' },
    ],
  ] as const)('a payment create, %s', (_name, answer, expected) => {
    expect(readLookup(op('initiatePayment'), answer)).toEqual(expected);
  });

  it('reads a payment link by its link status', () => {
    const link = (s: string) =>
      ok({ content: { merchantOrderRef: 'L', paymentLinkRef: 'x', status: s } });
    expect(readLookup(op('createPaymentLink'), link('Created'))).toEqual({
      state: 'done',
      status: 'Pending',
    });
    expect(readLookup(op('createPaymentLink'), link('Success'))).toEqual({
      state: 'done',
      status: 'Success',
    });
  });

  it('reads plans and subscriptions as done when they exist', () => {
    const found = ok({ content: { merchant_order_ref: 'P', order_ref: 'x' }, status_code: '2000' });
    expect(readLookup(op('createPlan'), found)).toEqual({ state: 'done' });
    expect(readLookup(op('createSubscription'), found)).toEqual({ state: 'done' });
    const missing = { httpStatus: 400, body: envelope('4001') };
    expect(readLookup(op('createPlan'), missing)).toEqual({ state: 'not-found' });
  });

  describe('a refund', () => {
    const refunds = (...rows: Array<[number, string]>) =>
      ok({
        amountToRefund: 0,
        refundDetails: rows.map(([amount, refund_status]) => ({
          amount,
          refund_status,
          currency: 'VND',
        })),
      });
    const asked = { body: { amount: 400, refund_type: 'partial' } };

    it.each([
      ['listed with its amount', refunds([400, 'SUCCESS']), { state: 'done', status: 'Success' }],
      [
        'listed, pending',
        refunds([1000, 'SUCCESS'], [400, 'PENDING']),
        { state: 'done', status: 'Pending' },
      ],
      ['only other amounts listed', refunds([1000, 'SUCCESS']), { state: 'not-found' }],
      ['none listed', refunds(), { state: 'not-found' }],
      ['an answer without the list', ok({ amountToRefund: 0 }), { state: 'unknown' }],
    ] as const)('%s', (_name, answer, expected) => {
      expect(readLookup(op('createRefund'), answer, asked)).toEqual(expected);
    });

    it('cannot be compared without the request', () => {
      expect(readLookup(op('createRefund'), refunds([400, 'SUCCESS']))).toEqual({
        state: 'unknown',
      });
      expect(
        readLookup(op('createRefund'), refunds([400, 'SUCCESS']), { body: '{"amount":"400"}' }),
      ).toEqual({
        state: 'done',
        status: 'Success',
      });
    });
  });

  it('reads a capture from the transaction details', () => {
    const details = (s: string) =>
      ok({ content: { order_ref: 'po', status: s, amount: 10 }, status_code: '2000' });
    expect(readLookup(op('captureTransaction'), details('Success'))).toEqual({
      state: 'done',
      status: 'Success',
    });
    expect(readLookup(op('captureTransaction'), details('Authorised'))).toEqual({
      state: 'not-found',
    });
    expect(readLookup(op('captureTransaction'), details('Initiated'))).toEqual({
      state: 'unknown',
    });
  });

  it('reads a status set on a payment by reading it back', () => {
    const asked = { body: { merchant_order_ref: 'M', status: 'Success' } };
    expect(readLookup(op('updateTransactionStatus'), status('Success'), asked)).toEqual({
      state: 'done',
      status: 'Success',
    });
    expect(readLookup(op('updateTransactionStatus'), status('Pending'), asked)).toEqual({
      state: 'not-found',
    });
  });

  it('never settles a next deduction from the subscription transactions alone', () => {
    const txns = ok({ content: [{ amount: 1, status: 'Success' }], status_code: '2000' });
    expect(readLookup(op('triggerNextDeduction'), txns)).toEqual({ state: 'unknown' });
  });

  it('reads payouts from the list by the merchant txn_ref', () => {
    const asked = { body: { txn_details: { txn_ref: 'T-1' } } };
    const list = (rows: object[], total: number) => ok({ content: rows, total_elements: total });
    expect(
      readLookup(
        op('createPayout'),
        list([{ merchant_txn_ref: 'T-1', status: 'Created' }], 1),
        asked,
      ),
    ).toEqual({ state: 'done', status: 'Pending' });
    expect(readLookup(op('createPayout'), list([], 0), asked)).toEqual({ state: 'not-found' });
    expect(readLookup(op('createPayout'), list([{ merchant_txn_ref: 'T-9' }], 500), asked)).toEqual(
      {
        state: 'unknown',
      },
    );
  });

  it('reads a cancel and an approval from the payout status', () => {
    expect(readLookup(op('cancelPayout'), ok({ Status: 'Cancelled' }))).toEqual({
      state: 'done',
      status: 'Failed',
    });
    expect(readLookup(op('cancelPayout'), ok({ Status: 'Created' }))).toEqual({
      state: 'not-found',
    });
    expect(readLookup(op('approvePayouts'), ok({ Status: 'Created' }))).toEqual({
      state: 'not-found',
    });
    expect(readLookup(op('approvePayouts'), ok({ Status: 'Success' }))).toEqual({
      state: 'done',
      status: 'Success',
    });
  });
});

describe('policy.operations and declines', () => {
  it('accepts declared operations and keeps them in the settings', () => {
    const operations = {
      'POST /api/v2/pay': {
        kind: 'create',
        lookup: 'getTransactionStatus',
        ref: { in: 'body', fields: ['ref'] },
      },
    } as const;
    const policy = createPolicy({ operations });
    expect(policy.settings.operations).toEqual(operations);
    expect(createPolicy().settings.operations).toEqual({});
    const more = policy.with({ operations: { 'GET /api/v2/pay/{ref}': { kind: 'read' } } });
    expect(Object.keys(more.settings.operations)).toEqual([
      'POST /api/v2/pay',
      'GET /api/v2/pay/{ref}',
    ]);
  });

  it.each([
    [{ 'POST api/x': { kind: 'read' } }, "policy.operations['POST api/x']: the key must be"],
    [{ 'FETCH /api/x': { kind: 'read' } }, "policy.operations['FETCH /api/x']"],
    [{ 'POST /api/x': { kind: 'charge' } }, "policy.operations['POST /api/x'].kind must be one of"],
    [
      { 'POST /api/x': { kind: 'create', lookup: 'nope' } },
      "policy.operations['POST /api/x'].lookup",
    ],
    [{ 'POST /api/x': { kind: 'read', extra: 1 } }, "policy.operations['POST /api/x'].extra"],
    [{ 'POST /api/x/{id}': { kind: 'create', ref: { in: 'path', param: 'ref' } } }, '.ref.param'],
    [{ 'POST /api/x': { kind: 'create', ref: { in: 'body', fields: [] } } }, '.ref.fields'],
    ['nope', 'policy.operations must be an object'],
  ])('rejects %j', (operations, message) => {
    expect(() => createPolicy({ operations: operations as never })).toThrow(TypeError);
    expect(() => createPolicy({ operations: operations as never })).toThrow(message);
  });

  it.each([
    [{ codes: { 6014: { outcome: 'retry' } } }, 'policy.codes.6014.outcome'],
    [{ series: { card: { outcome: 'retry' } } }, 'policy.series.card.outcome'],
  ] as const)('refuses to retry a card decline: %j', (options, name) => {
    expect(() => createPolicy(options)).toThrow(TypeError);
    expect(() => createPolicy(options)).toThrow(name);
    expect(() => createPolicy(options)).toThrow(/card networks penalise re-attempts/);
    expect(() => createPolicy().with(options)).toThrow(/card networks penalise/);
  });

  it('still lets a decline be configured to fail or surface, and other codes to retry', () => {
    expect(() =>
      createPolicy({
        codes: { 6014: { outcome: 'fail' } },
        series: { card: { outcome: 'surface' } },
      }),
    ).not.toThrow();
    expect(() => createPolicy({ codes: { 5001: { outcome: 'retry' } } })).not.toThrow();
  });
});
