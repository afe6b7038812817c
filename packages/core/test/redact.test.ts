import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH, TEXT_SCANS } from '../src/redact-text.js';
import {
  isSensitiveKey,
  markRedacted,
  REDACTED,
  redact,
  redactError,
  redactHeaders,
  redactText,
  redactUrl,
} from './support/internals.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJQT1JUT05FIiwic3ViIjoia2V5In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** A Luhn-valid number: the check digit is computed, so the test does not rely on known cards. */
function withCheckDigit(body: readonly number[]): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body[body.length - 1 - i]!;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body.join('')}${(10 - (sum % 10)) % 10}`;
}

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
};

describe('isSensitiveKey', () => {
  it.each([
    'key',
    'KEY',
    'secret',
    'secret_key',
    'secretKey',
    'client_key',
    'X-Portone-Client-Key',
    'x_portone_client_key',
    'portone_key',
    'token',
    'access_token',
    'accessToken',
    'jwt',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'password',
    'signature',
    'signature_hash',
    'card_number',
    'cardNumber',
    'pan',
    'cvv',
    'cvc',
    'card_cvv',
    'expiry',
    'otp',
    'pin',
    // endings: any name that ends like a secret is one
    'client_secret',
    'webhook_secret',
    'x-api-key',
    'id_token',
    'refresh_token',
  ])('%s is secret', (name) => {
    expect(isSensitiveKey(name)).toBe(true);
  });

  it.each([
    'amount',
    'currency',
    'merchant_order_id',
    'order_ref',
    'status_code',
    'status_reason',
    'idempotency_key',
    'message',
    'keyboard',
  ])('%s is not secret', (name) => {
    expect(isSensitiveKey(name)).toBe(false);
  });
});

describe('redactText', () => {
  it.each([
    ['a JWT', `token ${JWT} here`, JWT],
    ['a bearer token', 'Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['a spaced card number', 'card 4111 1111 1111 1111 declined', '4111 1111 1111 1111'],
    ['a dashed card number', 'card 5555-5555-5555-4444', '5555-5555-5555-4444'],
    ['a pan pair', 'pan=5555555555554444', '5555555555554444'],
    ['a key pair in a query', 'key=pbmYjsswixLjpqmj&amount=1', 'pbmYjsswixLjpqmj'],
    ['a key pair after a URL', 'GET https://h/x?page=1&key=pbmYjsswixLjpqmj', 'pbmYjsswixLjpqmj'],
    ['an api_key pair', 'api_key=zz9Secret&x=1', 'zz9Secret'],
    ['a signature_hash pair', 'signature_hash=abc123%3D%3D', 'abc123%3D%3D'],
    ['a JSON secret', '"secret": "s3cr3t-value"', 's3cr3t-value'],
    ['a quoted secret with spaces', '{"password":"open sesame now"}', 'open sesame now'],
    ['a header line', 'x-portone-client-key: clientKey42', 'clientKey42'],
    ['JSON quoted in a JSON string', '{"message":"{\\"secretKey\\":\\"s3cr3t\\"}"}', 's3cr3t'],
    ['JSON quoted twice', '"{\\\\\\"cvv\\\\\\":\\\\\\"987\\\\\\"}"', '987'],
    ['an otp pair', 'otp=123456', '123456'],
    ['a card followed by its expiry', 'card 4111 1111 1111 1111 12/25', '4111 1111 1111 1111'],
    ['a card after other digits', 'order 12 4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['a card glued to an id prefix', 'tx_4111111111111111', '4111111111111111'],
    [
      'the merchant key in a quoted path',
      'no such route: POST /api/merchant/pbmKey7/payouts',
      'pbmKey7',
    ],
    [
      'the merchant key in an HTML page',
      '<pre>Cannot GET /api/pbmKey7/transaction-details</pre>',
      'pbmKey7',
    ],
  ])('masks %s', (_name, text, secret) => {
    expect(redactText(text)).not.toContain(secret);
  });

  it('keeps the last four digits of a card number and leaves non-Luhn numbers alone', () => {
    expect(redactText('card 4111111111111111')).toBe('card ****1111');
    expect(redactText('4111111111111111 4242424242424242')).toBe('****1111 ****4242');
    expect(redactText('card 4111 1111 1111 1111 12/25')).toBe('card ****1111 12/25');
    expect(redactText('order 1234567890123')).toBe('order 1234567890123');
    expect(redactText('amount 10000 KRW, 2026-11-24 12:00')).toBe(
      'amount 10000 KRW, 2026-11-24 12:00',
    );
  });

  it('keeps the escapes around a masked value in JSON quoted in a string', () => {
    expect(redactText('{"m":"{\\"secret\\":\\"abc\\"}"}')).toBe(
      `{"m":"{\\"secret\\":\\"${REDACTED}\\"}"}`,
    );
  });

  it('leaves harmless pairs and the bearer scheme readable', () => {
    expect(redactText('status: pending, amount=100')).toBe('status: pending, amount=100');
    expect(redactText('Authorization: Bearer abc')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('key=abc&page=2')).toBe(`key=${REDACTED}&page=2`);
  });

  it('gives back what is not a string', () => {
    expect(redactText(42 as unknown as string)).toBe(42);
    expect(redactText('')).toBe('');
  });

  it('never lets a generated card number through, whatever text surrounds it', () => {
    const card = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 18 })
      .map(withCheckDigit);
    const separator = fc.constantFrom('', ' ', '-');
    const words = fc.stringMatching(/^[A-Za-z .,:]{0,20}$/);
    fc.assert(
      fc.property(card, separator, words, words, (number, sep, before, after) => {
        const grouped = number.match(/.{1,4}/g)!.join(sep);
        const out = redactText(`${before} ${grouped} ${after}`);
        expect(out.replace(/[ -]/g, '')).not.toContain(number);
        expect(out).toContain(`****${number.slice(-4)}`);
      }),
    );
  });
});

const MB = 1024 * 1024;
/** `unit` repeated to 1 MiB. */
const mib = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

/**
 * Each scan's own worst case at 1 MiB: the inputs that make a backtracking pattern re-read the
 * rest of the text from every start (the old JWT pattern took seconds on 156 KB of `eyJ-`).
 */
const WORST_CASES: Record<string, readonly string[]> = {
  jwt: [mib('eyJ-'), mib('eyJa.'), `eyJ${mib('a')}`, mib('eyJa.b'), mib('.eyJ')],
  'merchant key in a merchant path': [
    `/api/merchant/${mib('a')}`,
    mib('/api/merchant/'),
    mib('/api/merchant/a'),
  ],
  'merchant key in an API path': [`/api/${mib('a')}`, mib('/api/'), mib('/api/a/')],
  'bearer token': [`Bearer${mib(' ')}!`, mib('Bearer '), mib('Bearer\t')],
  'secret pair': [
    mib('a'),
    `a${mib(' ')}x`,
    mib('a '),
    mib('a:'),
    mib('key='),
    mib('key:"'),
    `"secret": "${mib('x')}`,
    mib('a.'),
    `a${mib('\\')}`,
    mib('key\\"'),
  ],
  'card number': [mib('1'), mib('1 '), mib('4111-'), mib('4111 1111 1111 111 ')],
};

describe('linear time on hostile text', () => {
  // The one timing bound in these tests, generous on purpose: a linear scan of 1 MiB takes tens
  // of milliseconds (under a second on a loaded two-core CI box), a quadratic one minutes (the
  // old JWT pattern: 6.5 s at 156 KB, so about 280 s at 1 MiB).
  const BOUND_MS = 5000;

  it('has a worst case for every scan', () => {
    expect(Object.keys(WORST_CASES).sort()).toEqual(TEXT_SCANS.map(([name]) => name).sort());
  });

  it.each(TEXT_SCANS.map(([name, scan]) => [name, scan] as const))(
    'the %s scan reads 1 MiB of its worst case in linear time',
    (name, scan) => {
      for (const input of WORST_CASES[name]!) {
        const started = performance.now();
        scan(input);
        expect(performance.now() - started, `${name} on ${input.slice(0, 16)}…`).toBeLessThan(
          BOUND_MS,
        );
      }
    },
  );

  it('redactText on every worst case together stays within the bound', () => {
    const started = performance.now();
    for (const inputs of Object.values(WORST_CASES)) for (const input of inputs) redactText(input);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });
});

describe('truncation', () => {
  it(`cuts text longer than ${MAX_TEXT_LENGTH} characters, with a marker, before masking`, () => {
    const out = redactText(mib('abc '));
    expect(out.length).toBeLessThan(MAX_TEXT_LENGTH + 64);
    expect(out).toMatch(/…\[truncated \d+ chars\]$/);
    expect(redactText('x'.repeat(MAX_TEXT_LENGTH))).toBe('x'.repeat(MAX_TEXT_LENGTH));
  });

  it('never leaves half a card or half a JWT at the cut', () => {
    const card = '4111 1111 1111 1111';
    for (let shift = 0; shift < card.length; shift++) {
      const text = `${'a'.repeat(MAX_TEXT_LENGTH - shift - 1)} ${card} ${'b'.repeat(100)}`;
      const out = redactText(text);
      expect(out.replace(/[ -]/g, ''), `cut ${shift} into the card`).not.toMatch(/4111\\d{4,}/);
      expect(out).not.toMatch(/1111 1111/);
    }
    for (let shift = 0; shift < JWT.length; shift += 7) {
      const out = redactText(`${'a'.repeat(MAX_TEXT_LENGTH - shift - 1)} ${JWT} tail`);
      expect(out).not.toContain(JWT.slice(0, 40));
    }
  });

  it('keeps the kept part valid UTF-16 where the input was', () => {
    const out = redactText(`${'a'.repeat(MAX_TEXT_LENGTH - 1)}😀${'b'.repeat(10)}`);
    // A lone high surrogate at the end would be the first half of the emoji cut in two.
    expect(out.split('…')[0]).toMatch(/a$/);
  });

  it('bounds what one redact() call reads: values, text and depth', () => {
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]));
    const out = redact(wide) as Record<string, unknown>;
    expect(Object.keys(out)).toHaveLength(201);
    expect(out['…']).toBe('[800 more fields]');
    expect(redact(Array.from({ length: 1000 }, (_, i) => i))).toHaveLength(201);
    // 200 × 200 values: the walk stops at its budget instead of visiting 40,000.
    const grid = Array.from({ length: 200 }, () => Array.from({ length: 200 }, () => 'x'));
    expect(JSON.stringify(redact(grid))).toContain('[Truncated]');
    const texts = Array.from({ length: 40 }, () => 'y'.repeat(MAX_TEXT_LENGTH));
    expect(JSON.stringify(redact(texts))).toMatch(/\[Truncated \d+ chars\]/);
  });
});

describe('redact: numbers, bigints and every container', () => {
  const card = '4111111111111111';

  it('masks a card number sent as a number or a BigInt, wherever it sits', () => {
    expect(redact(Number(card))).toBe('****1111');
    expect(redact(BigInt(card))).toBe('****1111');
    expect(redact({ order: { items: [[{ ref: Number(card) }]] } })).toEqual({
      order: { items: [[{ ref: '****1111' }]] },
    });
    expect(redact(new Map([[Number(card), Number(card)]]))).toEqual({ '****1111': '****1111' });
    expect(redact(new Set([BigInt(card)]))).toEqual(['****1111']);
    expect(redact(Object(Number(card)))).toBe('****1111');
    expect(redact(Object(card))).toBe('****1111');
  });

  it('masks the number of a card object, a CVV and an OTP given as numbers', () => {
    const out = redact({
      card: { number: 4111111111111112, cvv: 123, expiry_month: 12 },
      card_details: { no: 1234567890, cvc: 987 },
      otp: 123456,
      pin: 1234,
      amount: 1000,
      number: 42,
    });
    expect(out).toEqual({
      card: { number: REDACTED, cvv: REDACTED, expiry_month: REDACTED },
      card_details: { no: REDACTED, cvc: REDACTED },
      otp: REDACTED,
      pin: REDACTED,
      amount: 1000,
      number: 42,
    });
  });

  it('redacts an integer too large to be exact, and leaves amounts, ids and times alone', () => {
    // What JSON.parse makes of a 19-digit card: its last digits lost to floating point.
    expect(redact(JSON.parse('4111111111111111111'))).toBe(REDACTED);
    expect(redact(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(redact(1234567890123)).toBe(1234567890123);
    expect(redact(10_000)).toBe(10_000);
    expect(redact(4111111111111111.5)).toBe(4111111111111111.5);
    expect(redact(1e21)).toBe(REDACTED);
    expect(redact(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(redact(Number.NaN)).toBeNaN();
    expect(redact(-4111111111111111)).toBe('****1111');
    expect(redact(12345n)).toBe('12345');
  });

  it('treats bytes as opaque: never read, only measured', () => {
    const bytes = Buffer.from(`card ${card}`);
    expect(redact({ body: bytes })).toEqual({ body: `[Binary ${bytes.length} bytes]` });
    expect(redact(new Float64Array([Number(card)]))).toBe('[Binary 8 bytes]');
    expect(redact(new DataView(new ArrayBuffer(3)))).toBe('[Binary 3 bytes]');
    expect(redact(new Blob([card]))).toBe('[Blob 16 bytes]');
  });

  it('keeps a __proto__ field as data, not as the copy’s prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"secret": "s3cr3t", "polluted": true}}');
    const out = redact(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never lets a generated card number through as a number at any depth', () => {
    const cardNumber = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 15 })
      // Led by 1–8: every such number up to 16 digits is below 2^53, so exact (larger ones are redacted whole, above).
      .map((body) => withCheckDigit([1 + ((body[0] ?? 0) % 8), ...body.slice(1)]));
    const wrap = fc.constantFrom<(v: unknown) => unknown>(
      (v) => v,
      (v) => [v],
      (v) => ({ amount: v }),
      (v) => new Map([['x', v]]),
      (v) => new Set([v]),
      (v) => ({ a: [{ b: v }] }),
    );
    fc.assert(
      fc.property(cardNumber, fc.array(wrap, { maxLength: 2 }), fc.boolean(), (n, wraps, big) => {
        let value: unknown = big ? BigInt(n) : Number(n);
        for (const w of wraps) value = w(value);
        const out = JSON.stringify(redact(value));
        expect(out).not.toContain(n);
        expect(out).toContain(`****${n.slice(-4)}`);
      }),
    );
  });
});

describe('redactError', () => {
  it('copies an HTTP client error with its request and answer redacted deeply', () => {
    const axiosLike = Object.assign(new Error('Request failed with status code 401'), {
      name: 'AxiosError',
      code: 'ERR_BAD_REQUEST',
      config: {
        method: 'post',
        url: '/api/merchant/auth-token?key=pbmKey',
        baseURL: 'https://merchant.example',
        headers: { Authorization: `Bearer ${JWT}`, 'Content-Type': 'application/json' },
        data: JSON.stringify({
          portone_key: 'pbmKey',
          portone_secret: 's3cr3t',
          card: 4111111111111111,
        }),
        httpsAgent: { secretive: true },
      },
      response: {
        status: 401,
        statusText: 'Unauthorized',
        headers: { 'set-cookie': 'sid=abc' },
        data: { message: `bad secret s3cr3t`, portone_secret: 's3cr3t', echo: `token ${JWT}` },
      },
      request: { method: 'POST', socket: { remote: true } },
    });
    const copy = redactError(axiosLike) as Error & Record<string, unknown>;
    expect(copy).not.toBe(axiosLike);
    expect(copy.name).toBe('AxiosError');
    expect(copy.code).toBe('ERR_BAD_REQUEST');
    expect(copy.config).toEqual({
      method: 'post',
      url: `/api/merchant/auth-token?key=${REDACTED}`,
      baseURL: 'https://merchant.example/',
      headers: { Authorization: REDACTED, 'Content-Type': 'application/json' },
      data: { portone_key: REDACTED, portone_secret: REDACTED, card: '****1111' },
    });
    expect(copy.response).toEqual({
      status: 401,
      statusText: 'Unauthorized',
      headers: { 'set-cookie': REDACTED },
      data: { message: 'bad secret s3cr3t', portone_secret: REDACTED, echo: `token ${REDACTED}` },
    });
    expect(copy.request).toEqual({ method: 'POST' });
    const printed = inspect(copy, { depth: 10 });
    for (const secret of [JWT, 'pbmKey', 'portone_secret":"s3cr3t', '4111111111111111', 'abc']) {
      expect(printed).not.toContain(secret);
    }
  });

  it('redacts a cause chain and AggregateError members, and copies each error once', () => {
    const inner = new Error(`inner card ${'4111 1111 1111 1111'}`);
    const aggregate = new AggregateError([inner, 'otp=123456'], 'all failed', {
      cause: new Error(`Bearer ${JWT}`),
    });
    const copy = redactError(aggregate) as AggregateError;
    expect(copy).toBeInstanceOf(AggregateError);
    expect(copy.errors.map(String)).toEqual(['Error: inner card ****1111', `otp=${REDACTED}`]);
    expect((copy.cause as Error).message).toBe(`Bearer ${REDACTED}`);
    expect(redactError(copy)).toBe(copy);
    const adapterCopy = markRedacted(new Error('already safe'));
    expect(redactError(adapterCopy)).toBe(adapterCopy);
  });

  it('keeps a platform abort as it is, and redacts other thrown values', () => {
    const controller = new AbortController();
    controller.abort();
    expect(redactError(controller.signal.reason)).toBe(controller.signal.reason);
    expect(redactError({ card: { number: 4111111111111111 } })).toEqual({
      card: { number: REDACTED },
    });
    expect(redactError(Symbol('key=abc'))).toBe(`Symbol(key=${REDACTED}`);
  });
});

describe('redact', () => {
  it('replaces sensitive fields at any depth without touching the input', () => {
    const input = deepFreeze({
      key: 'merchant-key',
      nested: { secret_key: 'sk', card: { cvv: '123', card_number: '4111111111111111' } },
      list: [{ otp: '000000' }],
      note: `token ${JWT}`,
      amount: 100,
    });
    const out = redact(input);
    expect(out).toEqual({
      key: REDACTED,
      nested: { secret_key: REDACTED, card: { cvv: REDACTED, card_number: REDACTED } },
      list: [{ otp: REDACTED }],
      note: `token ${REDACTED}`,
      amount: 100,
    });
    expect(out).not.toBe(input);
    expect(input.key).toBe('merchant-key');
  });

  it('survives cycles, getters that throw, throwing proxies and deep nesting', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(redact(cyclic)).toEqual({ a: 1, self: '[Circular]' });
    expect(redact(hostile)).toEqual({ boom: '[Unreadable]' });
    expect(redact(trap)).toBe(REDACTED);
    expect(JSON.stringify(redact(deep))).toContain('[Truncated]');
  });

  it('copies a shared (not cyclic) object twice rather than calling it circular', () => {
    const shared = { amount: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { amount: 1 }, b: { amount: 1 } });
  });

  it('turns values JSON cannot carry into safe ones', () => {
    const out = redact({
      big: 10n,
      fn: () => 1,
      sym: Symbol('s'),
      map: new Map<string, unknown>([
        ['secret', 'x'],
        ['ok', 'y'],
      ]),
      set: new Set(['a']),
      params: new URLSearchParams('key=abc&page=2'),
      headers: new Headers({ authorization: 'Bearer x', accept: 'json' }),
      bytes: new Uint8Array(4),
      when: new Date(Date.UTC(2026, 0, 1)),
      error: new Error('card 4111111111111111'),
    });
    expect(out).toEqual({
      big: '10',
      fn: undefined,
      sym: undefined,
      map: { secret: REDACTED, ok: 'y' },
      set: ['a'],
      params: { key: REDACTED, page: '2' },
      headers: { authorization: REDACTED, accept: 'json' },
      bytes: '[Binary 4 bytes]',
      when: '2026-01-01T00:00:00.000Z',
      error: { name: 'Error', message: 'card ****1111' },
    });
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('never lets a generated secret through, whatever field or text carries it', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{16,32}$/);
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom('key', 'secret', 'signature_hash', 'cvv', 'otp', 'client_secret'),
        (value, field) => {
          const out = JSON.stringify(
            redact({ body: { [field]: value }, text: `${field}=${value}` }),
          );
          expect(out).not.toContain(value);
        },
      ),
    );
  });

  it('never throws and always gives JSON-safe output, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withTypedArray: true,
        }),
        (value) => {
          expect(() => JSON.stringify(redact(value))).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('redactHeaders', () => {
  it('redacts credential headers from Headers and records', () => {
    const headers = new Headers({
      Authorization: `Bearer ${JWT}`,
      'X-Portone-Client-Key': 'k',
      Accept: 'x',
    });
    expect(redactHeaders(headers)).toEqual({
      authorization: REDACTED,
      'x-portone-client-key': REDACTED,
      accept: 'x',
    });
    expect(
      redactHeaders({ cookie: 'a=b', 'set-cookie': ['s=1', 's=2'], via: ['a', 'b'], x: undefined }),
    ).toEqual({ cookie: REDACTED, 'set-cookie': REDACTED, via: 'a, b' });
  });

  it('reports an unreadable header bag as empty', () => {
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(redactHeaders(trap)).toEqual({});
    expect(redactHeaders(undefined)).toEqual({});
  });
});

describe('redactUrl', () => {
  it('drops userinfo and secret query values from URLs', () => {
    const url = redactUrl('https://user:pass@api.portone.cloud/api/x?key=abc&page=2');
    expect(url).toBe(`https://api.portone.cloud/api/x?key=${REDACTED}&page=2`);
    expect(inspect(url)).not.toContain('pass');
  });

  it.each([
    [
      'https://api.portone.cloud/api/merchant/pbmKey1/payouts',
      `https://api.portone.cloud/api/merchant/${REDACTED}/payouts`,
    ],
    [
      'https://api.portone.cloud/api/merchant/pbmKey1/fetch-all-payments',
      `https://api.portone.cloud/api/merchant/${REDACTED}/fetch-all-payments`,
    ],
    [
      'https://api.portone.cloud/api/merchants/pbmKey1/payout/createBeneficiary',
      `https://api.portone.cloud/api/merchants/${REDACTED}/payout/createBeneficiary`,
    ],
    [
      'https://api.portone.cloud/api/pbmKey1/transaction-details',
      `https://api.portone.cloud/api/${REDACTED}/transaction-details`,
    ],
    [
      '/api/pbmKey1/transaction-details?token=t',
      `/api/${REDACTED}/transaction-details?token=${REDACTED}`,
    ],
  ])('masks the merchant key PortOne puts in the path of %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it.each([
    'https://api.portone.cloud/api/merchant/auth-token',
    'https://api.portone.cloud/api/merchant/payout/approve',
    'https://api.portone.cloud/api/transaction/ORDER-1/status',
    '/api/initiatePayment',
  ])('keeps paths without a key: %s', (url) => {
    expect(redactUrl(url)).toBe(url);
  });

  it('falls back to redactText for input that is not a URL', () => {
    expect(redactUrl('not a url key=abc')).toBe(`not a url key=${REDACTED}`);
    expect(redactUrl(undefined as unknown as string)).toBe('');
  });
});
