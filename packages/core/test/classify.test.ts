import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Classification,
  type ClassifyInput,
  classify,
  parseRetryAfter,
} from '../src/index.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

type Case = [string, ClassifyInput, Record<string, unknown>];

const cases: Case[] = [
  [
    'string status_code',
    {
      httpStatus: 400,
      body: { status_code: '4001', status_reason: 'INVALID_REQUEST', message: 'bad' },
    },
    {
      kind: 'error',
      series: 'validation',
      code: 4001,
      status: 'INVALID_REQUEST',
      message: 'bad',
      ambiguous: false,
    },
  ],
  [
    'numeric status_code',
    { httpStatus: 500, body: { status_code: 5024 } },
    { kind: 'error', series: 'system', code: 5024, status: 'PSP_COMMUNICATION_ERROR' },
  ],
  [
    'status_message instead of status_reason',
    {
      httpStatus: 400,
      body: { status_code: '6014', status_message: 'INVALID_CARD_DECLINED_ERROR' },
    },
    { kind: 'error', series: 'card', status: 'INVALID_CARD_DECLINED_ERROR' },
  ],
  [
    'is_success true without status_code',
    { httpStatus: 200, body: { is_success: true, order_ref: 'PO1' } },
    { kind: 'success', series: 'success', orderRef: 'PO1' },
  ],
  [
    'is_success "false" without status_code',
    { httpStatus: 200, body: { is_success: 'false' } },
    { kind: 'error', series: 'unknown' },
  ],
  [
    'refund success without envelope',
    { httpStatus: 200, body: { refund_amount: 10 } },
    { kind: 'success' },
  ],
  [
    '2000 with content.status Pending',
    {
      httpStatus: 200,
      body: { status_code: '2000', content: { status: 'Pending', order_ref: 'PO2' } },
    },
    { kind: 'pending', paymentStatus: 'Pending', orderRef: 'PO2' },
  ],
  [
    '2000 with content.status Failed',
    { httpStatus: 200, body: { status_code: '2000', content: { status: 'Failed' } } },
    { kind: 'success', paymentStatus: 'Failed' },
  ],
  [
    '1000-series code',
    { httpStatus: 200, body: { status_code: '1001' } },
    { kind: 'pending', series: 'pending', code: 1001 },
  ],
  [
    'content.status Pending with no code',
    { httpStatus: 200, body: { content: { status: 'pending' } } },
    { kind: 'pending', paymentStatus: 'Pending' },
  ],
  [
    'unknown code takes its series',
    { httpStatus: 400, body: { status_code: '4000', status_reason: 'INVALID_TRANSACTION_ERROR' } },
    {
      kind: 'error',
      series: 'validation',
      code: 4000,
      status: 'INVALID_TRANSACTION_ERROR',
      info: undefined,
    },
  ],
  [
    'unknown series',
    { httpStatus: 400, body: { status_code: '3001' } },
    { kind: 'error', series: 'unknown', code: 3001 },
  ],
  [
    'subscription "200"',
    { httpStatus: 200, body: { status_code: '200', status_reason: 'OK' } },
    { kind: 'success', code: undefined },
  ],
  [
    'subscription "400" in a 200',
    { httpStatus: 200, body: { status_code: '400' } },
    { kind: 'error', series: 'validation' },
  ],
  [
    '2xx carrying an error code',
    {
      httpStatus: 200,
      body: { status_code: '5000', message: 'Received error from PSP: customer_phone=>invalid' },
    },
    { kind: 'error', series: 'system', code: 5000 },
  ],
  [
    'HTML 502 from a proxy',
    { httpStatus: 502, body: '<html><body>502 Bad Gateway</body></html>' },
    { kind: 'error', series: 'system', ambiguous: true, httpStatus: 502 },
  ],
  [
    '503 with Retry-After seconds',
    { httpStatus: 503, headers: { 'Retry-After': '3' }, body: '' },
    { kind: 'error', series: 'system', retryAfterMs: 3000 },
  ],
  [
    '429 with Retry-After date',
    {
      httpStatus: 429,
      headers: new Headers({ 'retry-after': new Date(NOW + 5000).toUTCString() }),
      body: '',
      now: NOW,
    },
    { series: 'system', retryAfterMs: 5000, ambiguous: false },
  ],
  ['empty 200', { httpStatus: 200, body: '' }, { kind: 'success' }],
  [
    'JSON as text',
    {
      httpStatus: 400,
      body: '{"status_code":"4002","status_reason":"DUPLICATE_TRANSACTION_ERROR"}',
    },
    { kind: 'error', code: 4002 },
  ],
  [
    'truncated JSON text',
    { httpStatus: 200, body: '{"status_code":"20' },
    { kind: 'success', code: undefined },
  ],
  ['401 without a code', { httpStatus: 401, body: '' }, { kind: 'error', series: 'validation' }],
  [
    '404 without a code',
    { httpStatus: 404, body: 'not found' },
    { kind: 'error', series: 'validation', ambiguous: false },
  ],
  [
    '4081 disambiguated by status',
    { httpStatus: 400, body: { status_code: '4081', status_reason: 'ROLE_NOT_ALLOWED' } },
    { code: 4081, status: 'ROLE_NOT_ALLOWED' },
  ],
  [
    'status_code null',
    { httpStatus: 400, body: { status_code: null } },
    { kind: 'error', series: 'validation', code: undefined },
  ],
  [
    'status_code object',
    { httpStatus: 500, body: { status_code: { a: 1 } } },
    { kind: 'error', series: 'system', ambiguous: true },
  ],
];

const err = (props: Record<string, unknown>, message = 'x') =>
  Object.assign(new Error(message), props);

const transport: [string, unknown, Record<string, unknown>][] = [
  ['ECONNREFUSED', err({ code: 'ECONNREFUSED' }), { transport: 'not-sent', ambiguous: false }],
  ['ENOTFOUND', err({ code: 'ENOTFOUND' }), { transport: 'not-sent', ambiguous: false }],
  ['ECONNRESET', err({ code: 'ECONNRESET' }), { transport: 'ambiguous', ambiguous: true }],
  ['socket hang up', new Error('socket hang up'), { transport: 'ambiguous', ambiguous: true }],
  ['ETIMEDOUT', err({ code: 'ETIMEDOUT' }), { transport: 'timeout', ambiguous: true }],
  [
    'axios timeout ECONNABORTED',
    err({ code: 'ECONNABORTED', name: 'AxiosError' }, 'timeout of 10ms exceeded'),
    { transport: 'timeout' },
  ],
  ['AbortError', err({ name: 'AbortError' }), { transport: 'aborted', ambiguous: false }],
  [
    'axios CanceledError',
    err({ name: 'CanceledError', code: 'ERR_CANCELED' }),
    { transport: 'aborted' },
  ],
  ['DOMException TimeoutError', new DOMException('t', 'TimeoutError'), { transport: 'timeout' }],
  [
    'undici fetch failed / refused',
    new TypeError('fetch failed', { cause: err({ code: 'ECONNREFUSED' }) }),
    { transport: 'not-sent' },
  ],
  [
    'undici fetch failed / other side closed',
    new TypeError('fetch failed', { cause: err({ code: 'UND_ERR_SOCKET' }, 'other side closed') }),
    { transport: 'ambiguous' },
  ],
  [
    'AggregateError all refused',
    new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ECONNREFUSED' })]),
    { transport: 'not-sent' },
  ],
  ['a thrown string', 'boom', { transport: 'ambiguous', ambiguous: true }],
  ['undefined', undefined, { transport: 'ambiguous' }],
];

describe('classify: what PortOne actually sends', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    const result = classify(input);
    for (const [key, value] of Object.entries(expected)) {
      expect(result[key as keyof Classification], key).toEqual(value);
    }
  });
});

describe('classify: transport errors', () => {
  it.each(transport)('%s', (_name, error, expected) => {
    expect(classify({ error })).toMatchObject({
      kind: 'transport',
      series: 'transport',
      ...expected,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, dates, and rejects junk', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW - 1000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
  });
});

describe('classify is total', () => {
  const kinds = ['success', 'pending', 'error', 'transport'];
  const series = [
    'pending',
    'success',
    'validation',
    'system',
    'card',
    'unknown',
    'psp',
    'transport',
  ];
  const valid = (c: Classification) =>
    kinds.includes(c.kind) && series.includes(c.series) && typeof c.ambiguous === 'boolean';

  it('never throws on arbitrary bodies, headers and statuses', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.anything(),
        fc.oneof(fc.integer(), fc.double(), fc.constant(undefined)),
        (body, headers, httpStatus) => {
          const c = classify({
            body,
            headers: headers as Headers,
            httpStatus: httpStatus as number,
          });
          expect(valid(c)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary JSON text and envelope-like objects', () => {
    const envelope = fc.record({
      status_code: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object()),
      status_reason: fc.anything(),
      content: fc.oneof(fc.anything(), fc.record({ status: fc.anything() })),
      is_success: fc.anything(),
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.json(), fc.string(), envelope),
        fc.integer({ min: 100, max: 599 }),
        (body, httpStatus) => {
          expect(valid(classify({ body, httpStatus }))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary thrown values, hostile objects included', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        has: () => {
          throw new Error('trap');
        },
      },
    );
    expect(valid(classify({ error: hostile }))).toBe(true);
    expect(valid(classify({ body: hostile, headers: hostile as Headers, httpStatus: 500 }))).toBe(
      true,
    );
    expect(valid(classify(hostile as ClassifyInput))).toBe(true);
    fc.assert(
      fc.property(fc.anything(), (error) => {
        expect(valid(classify({ error }))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
