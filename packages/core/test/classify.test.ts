import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainSuccess } from '../src/classify/classify.js';
import {
  type Classification,
  type ClassifyInput,
  classify,
  parseBody,
  parseCode,
  parseRetryAfter,
  readEnvelope,
} from './support/internals.js';

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
    'status_code with spaces and is_success "true"',
    { httpStatus: 400, body: { status_code: ' 6014 ', is_success: 'true' } },
    { kind: 'error', series: 'card', code: 6014, status: 'INVALID_CARD_DECLINED_ERROR' },
  ],
  [
    'is_success "true" without status_code',
    { httpStatus: 200, body: { is_success: 'true' } },
    { kind: 'success', series: 'success' },
  ],
  [
    'numeric 2000 with content.status Expired',
    {
      httpStatus: 200,
      body: { status_code: 2000, content: { status: 'Expired', order_ref: 'PO3' } },
    },
    { kind: 'success', series: 'success', code: 2000, paymentStatus: 'Expired', orderRef: 'PO3' },
  ],
  [
    'a 1000 code with content.status Success is still pending',
    { httpStatus: 200, body: { status_code: '1000', content: { status: 'Success' } } },
    { kind: 'pending', series: 'pending', paymentStatus: 'Success' },
  ],
  [
    '2xx with a 6000 code in the body',
    { httpStatus: 200, body: { status_code: '6013', status_reason: 'INVALID_CARD_EXPIRED_ERROR' } },
    { kind: 'error', series: 'card', code: 6013, httpStatus: 200 },
  ],
  [
    '"400" with a 400 falls back to the HTTP status',
    { httpStatus: 400, body: { status_code: '400', message: 'bad plan' } },
    { kind: 'error', series: 'validation', code: undefined, message: 'bad plan' },
  ],
  [
    'status_message when status_reason is blank',
    {
      httpStatus: 400,
      body: { status_code: '4001', status_reason: ' ', status_message: 'INVALID_PAYMENT_REQUEST' },
    },
    {
      code: 4001,
      status: 'INVALID_PAYMENT_REQUEST',
      info: expect.objectContaining({ code: 4001 }),
    },
  ],
  [
    'JSON bytes (an arraybuffer response)',
    {
      httpStatus: 400,
      body: new TextEncoder().encode('{"status_code":"4056","status_reason":"OTP_EXPIRED"}'),
    },
    { kind: 'error', code: 4056, status: 'OTP_EXPIRED' },
  ],
  [
    'HTML bytes from a proxy',
    { httpStatus: 504, body: Buffer.from('<html>504 Gateway Time-out</html>') },
    { kind: 'error', series: 'system', ambiguous: true, body: '<html>504 Gateway Time-out</html>' },
  ],
  ['500 without a code', { httpStatus: 500, body: '' }, { series: 'system', ambiguous: true }],
  ['503 without a code', { httpStatus: 503, body: '' }, { series: 'system', ambiguous: true }],
  [
    '501: the server never handled it',
    { httpStatus: 501, body: '' },
    { kind: 'error', series: 'system', ambiguous: false },
  ],
  [
    '429 without Retry-After',
    { httpStatus: 429, body: '' },
    { kind: 'error', series: 'system', ambiguous: false, retryAfterMs: undefined },
  ],
  ['403 without a code', { httpStatus: 403, body: '' }, { kind: 'error', series: 'validation' }],
  [
    'Retry-After that only looks like a date',
    { httpStatus: 503, headers: { 'retry-after': 'soon 2' }, body: '', now: NOW },
    { retryAfterMs: undefined },
  ],
  [
    'Retry-After given twice (array header)',
    { httpStatus: 503, headers: { 'Retry-After': ['2'] }, body: '' },
    { retryAfterMs: 2000 },
  ],
  ['no status and no body', {}, { kind: 'error', series: 'unknown', ambiguous: true }],
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
  ['EAI_AGAIN', err({ code: 'EAI_AGAIN' }), { transport: 'not-sent', ambiguous: false }],
  [
    'UND_ERR_CONNECT_TIMEOUT',
    err({ code: 'UND_ERR_CONNECT_TIMEOUT' }),
    { transport: 'not-sent', ambiguous: false },
  ],
  ['EPIPE', err({ code: 'EPIPE' }), { transport: 'ambiguous', ambiguous: true }],
  ['UND_ERR_SOCKET', err({ code: 'UND_ERR_SOCKET' }), { transport: 'ambiguous' }],
  [
    'ERR_STREAM_PREMATURE_CLOSE',
    err({ code: 'ERR_STREAM_PREMATURE_CLOSE' }),
    { transport: 'ambiguous' },
  ],
  [
    'UND_ERR_HEADERS_TIMEOUT',
    err({ code: 'UND_ERR_HEADERS_TIMEOUT' }),
    { transport: 'timeout', ambiguous: true },
  ],
  ['UND_ERR_BODY_TIMEOUT', err({ code: 'UND_ERR_BODY_TIMEOUT' }), { transport: 'timeout' }],
  ['DOMException AbortError', new DOMException('a', 'AbortError'), { transport: 'aborted' }],
  [
    'an AxiosError-shaped object (not an Error) that was reset',
    { isAxiosError: true, name: 'AxiosError', code: 'ECONNRESET', message: 'read ECONNRESET' },
    { transport: 'ambiguous', ambiguous: true },
  ],
  [
    'an AxiosError whose cause was refused',
    err({ name: 'AxiosError', code: 'ERR_NETWORK', cause: err({ code: 'ECONNREFUSED' }) }),
    { transport: 'not-sent' },
  ],
  [
    'undici fetch failed / AggregateError of refused addresses',
    new TypeError('fetch failed', {
      cause: new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ECONNREFUSED' })]),
    }),
    { transport: 'not-sent', ambiguous: false },
  ],
  [
    'AggregateError refused then reset',
    new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ECONNRESET' })]),
    { transport: 'ambiguous' },
  ],
  [
    'AggregateError holding the same refused error twice',
    (() => {
      const refused = err({ code: 'ECONNREFUSED' });
      return new AggregateError([refused, refused]);
    })(),
    { transport: 'not-sent' },
  ],
  [
    'a cause chain that loops',
    (() => {
      const a = new Error('a');
      const b = new Error('b', { cause: a });
      Object.defineProperty(a, 'cause', { value: b });
      return a;
    })(),
    { transport: 'ambiguous' },
  ],
  [
    'an AggregateError that contains itself',
    (() => {
      const self: Error[] = [];
      const aggregate = new AggregateError(self);
      self.push(aggregate, aggregate);
      return aggregate;
    })(),
    { transport: 'ambiguous' },
  ],
  ['a plain Error', new Error('something odd'), { transport: 'ambiguous', ambiguous: true }],
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
  it.each([
    ['120', 120_000],
    [' 1.5 ', 1500],
    [7, 7000],
    [new Date(NOW + 90_000).toUTCString(), 90_000],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 0],
    [new Date(NOW - 1000).toUTCString(), 0],
    ['99999999', 86_400_000],
    ['soon', undefined],
    ['soon 2', undefined],
    ['x 2030', undefined],
    ['-5', undefined],
    ['', undefined],
    [Number.NaN, undefined],
    [undefined, undefined],
    [{}, undefined],
  ] as const)('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('reads an HTTP-date against the real clock when no usable now is given', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    for (const now of [undefined, Number.NaN]) {
      const ms = parseRetryAfter(inTenSeconds, now);
      expect(ms).toBeGreaterThan(8000);
      expect(ms).toBeLessThanOrEqual(10_000);
    }
  });
});

describe('readEnvelope and parseBody', () => {
  it('reads every variant of the envelope into one shape', () => {
    expect(
      readEnvelope({
        status_code: '2000',
        status_message: 'SUCCESS',
        message: 'ok',
        is_success: 'false',
        content: { status: 'FAILED', order_ref: 'PO9' },
      }),
    ).toEqual({
      statusCode: '2000',
      statusReason: 'SUCCESS',
      message: 'ok',
      isSuccess: false,
      paymentStatus: 'Failed',
      orderRef: 'PO9',
    });
    expect(readEnvelope('<html>')).toBeUndefined();
    expect(readEnvelope([1, 2])).toBeUndefined();
  });

  it('reads a payment status in any case and spacing, and nothing from a name of Object.prototype', () => {
    for (const [given, status] of [
      ['Success', 'Success'],
      [' pending ', 'Pending'],
      ['EXPIRED', 'Expired'],
      ['failed', 'Failed'],
    ] as const) {
      expect(readEnvelope({ content: { status: given } })?.paymentStatus).toBe(status);
    }
    for (const hostile of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(readEnvelope({ content: { status: hostile } })?.paymentStatus).toBeUndefined();
      const c = classify({
        httpStatus: 200,
        body: { status_code: '2000', content: { status: hostile } },
      });
      expect(c).toMatchObject({ kind: 'success', code: 2000 });
      expect(c.paymentStatus).toBeUndefined();
    }
  });

  it('counts a field of whitespace alone as absent, whatever the whitespace', () => {
    for (const blank of [' ', '\t\n', '\u00a0', '\u2003', '\u3000 ', '\ufeff', ' \u2028 ']) {
      expect(readEnvelope({ status_reason: blank, message: blank })).toEqual({});
    }
    // Text is kept as given, its spaces included, wherever it has more than spaces.
    for (const kept of ['SUCCESS', ' SUCCESS', 'SUCCESS ', '\u2003SUCCESS\u2003', 'é', '\u3000a']) {
      expect(readEnvelope({ status_reason: kept })?.statusReason).toBe(kept);
    }
  });

  it('reads the other fields when one of them throws, on the body and in content', () => {
    const body = Object.defineProperty(
      { status_code: '6014', status_reason: 'CARD_DECLINED', content: {} as object },
      'message',
      {
        enumerable: true,
        get() {
          throw new Error('getter');
        },
      },
    );
    body.content = Object.defineProperty({ order_ref: 'PO7' }, 'status', {
      get() {
        throw new Error('getter');
      },
    });
    expect(readEnvelope(body)).toEqual({
      statusCode: '6014',
      statusReason: 'CARD_DECLINED',
      orderRef: 'PO7',
    });
    expect(classify({ httpStatus: 400, body })).toMatchObject({
      kind: 'error',
      code: 6014,
      series: 'card',
      orderRef: 'PO7',
    });
  });

  it('reads four-digit codes and other code forms alike', () => {
    expect(parseCode('2000')).toBe(2000);
    expect(parseCode('0042')).toBe(42);
    expect(parseCode(' 5024 ')).toBe(5024);
    expect(parseCode(6014)).toBe(6014);
    expect(parseCode('400')).toBe(400);
    expect(parseCode('999999')).toBe(999999);
    for (const bad of [
      '20a0',
      '-200',
      '2 00',
      '+200',
      '',
      '1e3',
      '20.0',
      20.5,
      '1234567',
      '٢٠٠٠',
      '20/0',
    ]) {
      expect(parseCode(bad)).toBeUndefined();
    }
  });

  it('parses JSON text and bytes, and keeps other text as text', () => {
    expect(parseBody(' {"a":1} ')).toEqual({ a: 1 });
    expect(parseBody(new TextEncoder().encode('[1]').buffer)).toEqual([1]);
    expect(parseBody('<html>502</html>')).toBe('<html>502</html>');
    expect(parseBody('{"truncated')).toBe('{"truncated');
    expect(parseBody(undefined)).toBeUndefined();
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

  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  });
  // Objects whose every read of a string key throws (symbol keys answer, so fast-check itself
  // can handle them), and values JSON has no word for.
  const trap = (key: string | symbol) => {
    if (typeof key === 'string') throw new Error('trap');
    return undefined;
  };
  const hostileValue = fc.oneof(
    fc.constant(null).map(
      () =>
        new Proxy(
          {},
          {
            get: (_target, key) => trap(key),
            has: (_target, key) => trap(key) ?? false,
            ownKeys: () => {
              throw new Error('trap');
            },
          },
        ),
    ),
    fc.string().map((name) =>
      Object.defineProperty({}, name || 'status_code', {
        enumerable: true,
        get() {
          throw new Error('getter');
        },
      }),
    ),
    fc.constant(Symbol('s')),
    fc.bigInt(),
  );
  const input = fc.oneof(anything, hostileValue);

  it('never throws on arbitrary bodies, headers and statuses', () => {
    fc.assert(
      fc.property(
        input,
        input,
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
      fc.property(input, (error) => {
        const c = classify({ error });
        expect(valid(c)).toBe(true);
        // Whatever was thrown, nothing was read: it is a transport failure, never an answer.
        expect(c.kind).toBe('transport');
        expect(c.transport).toBeDefined();
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(input, (whole) => {
        expect(valid(classify(whole as ClassifyInput))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("isPlainSuccess (the engine asks it first on a call's first answer)", () => {
  it.each([
    ['a status answer', 200, { status_code: '2000', content: { status: 'Success' } }],
    ['a numeric code', 201, { status_code: 2000 }],
    ['a failed payment looked up', 200, { status_code: '2000', content: { status: 'Failed' } }],
    ['an expired payment looked up', 200, { status_code: '2000', content: { status: 'Expired' } }],
    ['content that is no object', 200, { status_code: '2000', content: 'x' }],
  ])('accepts %s', (_name, httpStatus, body) => {
    expect(isPlainSuccess(httpStatus, body)).toBe(true);
    expect(classify({ httpStatus, body }).kind).toBe('success');
  });

  it.each([
    ['a pending payment', 200, { status_code: '2000', content: { status: 'Pending' } }],
    [
      'a pending payment, spelled otherwise',
      200,
      { status_code: '2000', content: { status: ' pending ' } },
    ],
    ['a code with spaces', 200, { status_code: ' 2000 ' }],
    ['an error code', 200, { status_code: '5024' }],
    ['no code', 200, { is_success: true }],
    ['a 500', 500, { status_code: '2000' }],
    ['no status', undefined, { status_code: '2000' }],
    ['text', 200, '{"status_code":"2000"}'],
    ['an array', 200, [{ status_code: '2000' }]],
    ['null', 200, null],
  ])('leaves %s to the full reading', (_name, httpStatus, body) => {
    expect(isPlainSuccess(httpStatus, body)).toBe(false);
  });

  it('accepts nothing classify would not call a success, whatever it is given', () => {
    const status = fc.oneof(
      fc.constantFrom('Success', 'Failed', 'Expired', 'Pending', 'pending', ' Pending', 'PENDING'),
      fc.anything(),
    );
    const body = fc.oneof(
      fc.record(
        {
          status_code: fc.oneof(
            fc.constantFrom('2000', 2000, ' 2000', '2000.0', 2000.5),
            fc.anything(),
          ),
          content: fc.oneof(fc.record({ status }, { requiredKeys: [] }), fc.anything()),
          status_reason: fc.anything(),
          is_success: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    fc.assert(
      fc.property(body, fc.oneof(fc.integer({ min: 0, max: 700 }), fc.anything()), (b, http) => {
        if (isPlainSuccess(http, b)) {
          expect(classify({ httpStatus: http as number, body: b }).kind).toBe('success');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on a hostile body', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    const getter = Object.defineProperty({ status_code: '2000' }, 'content', {
      get() {
        throw new Error('getter');
      },
    });
    const revocable = Proxy.revocable([], {});
    revocable.revoke();
    expect(isPlainSuccess(200, hostile)).toBe(false);
    expect(isPlainSuccess(200, getter)).toBe(false);
    expect(isPlainSuccess(200, revocable.proxy)).toBe(false);
  });
});
