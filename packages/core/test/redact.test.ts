import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isSensitiveKey,
  REDACTED,
  redact,
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

  it('leaves harmless pairs and the bearer scheme readable', () => {
    expect(redactText('status: pending, amount=100')).toBe('status: pending, amount=100');
    expect(redactText('Authorization: Bearer abc')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('key=abc&page=2')).toBe(`key=${REDACTED}&page=2`);
  });

  it('gives back what is not a string, and stays fast on long tokens', () => {
    expect(redactText(42 as unknown as string)).toBe(42);
    expect(redactText('')).toBe('');
    const started = performance.now();
    redactText('a'.repeat(100_000));
    redactText('1 '.repeat(50_000));
    redactText('a:'.repeat(50_000));
    expect(performance.now() - started).toBeLessThan(2000);
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
