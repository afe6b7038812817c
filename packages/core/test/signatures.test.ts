import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goQueryEncode } from '../src/signatures/index.js';
import { formatAmount, signRequest } from './support/internals.js';

const SECRET = 'test-secret-key';

/**
 * Go's `url.QueryEscape`, written here independently of the SDK: `encodeURIComponent` leaves
 * `!'()*` alone and writes a space as `%20`; Go escapes those four and writes `+`.
 */
const goEscape = (text: string): string =>
  encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

const referenceSign = (fields: Record<string, string>, secret: string): string => {
  const message = Object.keys(fields)
    .sort()
    .map((key) => `${goEscape(key)}=${goEscape(fields[key] ?? '')}`)
    .join('&');
  return createHmac('sha256', secret).update(message).digest('base64');
};

describe('signRequest: pinned vectors', () => {
  // Computed once with Python's urllib.parse.urlencode (the same escaping as Go's url.QueryEscape:
  // `-_.~` kept, space as `+`, `*` as %2A, UTF-8 percent-encoded) and hmac/sha256/base64.
  it('payment: amount 100.0 signs as "100"; space, ~ and * in URLs', async () => {
    const signature = await signRequest(
      'payment',
      {
        amount: 100.0,
        client_key: 'cKey',
        currency: 'USD',
        failure_url: 'https://shop.example/fail?x=1 2',
        merchant_order_id: 'order-1',
        success_url: 'https://shop.example/ok~tilde*star',
      },
      SECRET,
    );
    expect(signature).toBe('BCDH5+LBW3OQzWwijAgT8WDROpf1aElP405OOHYd3rQ=');
  });

  it('payment: amount 10.50 signs as "10.5"; non-ASCII URL, !\'()* and & in values', async () => {
    const signature = await signRequest(
      'payment',
      {
        amount: 10.5,
        client_key: 'cKey',
        currency: 'KRW',
        failure_url: 'https://shop.example/결제/실패',
        merchant_order_id: "o!'()*",
        success_url: 'https://shop.example/ok?a=b&c=d',
      },
      SECRET,
    );
    expect(signature).toBe('G71JDEmbI5LzLDWFrg3N2/XjD2UljvR3lzCugS+laGM=');
  });

  it('the amount as a string "10.50" signs as PortOne reads it, "10.5"', async () => {
    const fields = {
      amount: '10.50',
      client_key: 'cKey',
      currency: 'KRW',
      failure_url: 'https://shop.example/결제/실패',
      merchant_order_id: "o!'()*",
      success_url: 'https://shop.example/ok?a=b&c=d',
    };
    expect(await signRequest('payment', fields, SECRET)).toBe(
      'G71JDEmbI5LzLDWFrg3N2/XjD2UljvR3lzCugS+laGM=',
    );
  });

  it('plan: amount 0.1, numeric frequency, space and ~ in the ref', async () => {
    const signature = await signRequest(
      'plan',
      {
        amount: 0.1,
        client_key: 'cKey',
        currency: 'THB',
        frequency: 30,
        merchant_order_ref: 'plan ref~1',
      },
      SECRET,
    );
    expect(signature).toBe('CX+OK+SObvR/yU+2dSgICbfilhzMZHT44WZF9sIRRdY=');
  });

  it('ondemand-plan: only client_key, currency and merchant_order_ref are signed', async () => {
    const signature = await signRequest(
      'ondemand-plan',
      {
        client_key: 'cKey',
        currency: 'SGD',
        merchant_order_ref: 'od-plan/1',
        // Not signed by PortOne for this kind: must not change the signature.
        amount: 99,
        description: 'anything',
      },
      SECRET,
    );
    expect(signature).toBe('BVBuSq+9XMc8k3JGaPxf6q7N2SlkQg5yNESZcot7NrY=');
  });

  it('ondemand-subscription: + in a ref, é and a space in a URL', async () => {
    const signature = await signRequest(
      'ondemand-subscription',
      {
        client_key: 'cKey',
        currency: 'VND',
        failure_url: 'https://x.example/f',
        merchant_order_ref: 'sub+1',
        success_url: 'https://x.example/s é',
      },
      SECRET,
    );
    expect(signature).toBe('5J+DeiAlblOaSFYuzs8UXK53E1p6U+TAaFASPI+KC2o=');
  });

  it('encodes the signing string exactly as Go does', () => {
    expect(goQueryEncode({ b: 'x y', a: '~*é' })).toBe('a=~%2A%C3%A9&b=x+y');
  });
});

describe('signRequest: against an independent implementation (node:crypto)', () => {
  it('matches for any text in the signed fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'binary-ascii' }),
        fc.string(),
        async (url, ref, key) => {
          const fields = {
            client_key: key,
            currency: 'USD',
            failure_url: `https://shop.example/${url}`,
            merchant_order_ref: ref,
            success_url: url,
          };
          expect(await signRequest('ondemand-subscription', fields, SECRET)).toBe(
            referenceSign(fields, SECRET),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a non-ASCII secret is used as its UTF-8 bytes', async () => {
    const fields = { client_key: 'k', currency: 'KRW', merchant_order_ref: 'r' };
    expect(await signRequest('ondemand-plan', fields, '비밀-key')).toBe(
      referenceSign(fields, '비밀-key'),
    );
  });
});

describe('formatAmount: Go strconv.FormatFloat(x, "f", -1, 64)', () => {
  it.each([
    [100.0, '100'],
    [10.5, '10.5'],
    [0.1, '0.1'],
    ['100.00', '100'],
    ['10.50', '10.5'],
    [0, '0'],
    [-0, '0'],
    [100.25, '100.25'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'],
    [1e-7, '0.0000001'],
    [1.25e-7, '0.000000125'],
    [123456789.123, '123456789.123'],
    ['1e2', '100'],
  ])('%s → %s', (amount, expected) => {
    expect(formatAmount(amount)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1, '', ' 1', '0x10', '1,000', 'abc'])(
    'rejects %s with a TypeError',
    (amount) => {
      expect(() => formatAmount(amount)).toThrow(TypeError);
    },
  );
});

describe('signRequest: bad input', () => {
  const payment = {
    amount: 100,
    client_key: 'cKey',
    currency: 'USD',
    failure_url: 'https://shop.example/f',
    merchant_order_id: 'order-1',
    success_url: 'https://shop.example/s',
  };

  it.each(['amount', 'client_key', 'currency', 'failure_url', 'merchant_order_id', 'success_url'])(
    'a missing %s is a TypeError naming it, without the secret',
    async (name) => {
      const { [name as keyof typeof payment]: _dropped, ...fields } = payment;
      const error = await signRequest('payment', fields, SECRET).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toContain(name);
      expect((error as TypeError).message).not.toContain(SECRET);
    },
  );

  it('a field that is not a string or number is a TypeError naming it', async () => {
    const fields = { ...payment, currency: { code: 'USD' } } as unknown as Record<string, string>;
    await expect(signRequest('payment', fields, SECRET)).rejects.toThrow(/currency/);
  });

  it('an invalid amount is a TypeError naming the amount', async () => {
    await expect(signRequest('payment', { ...payment, amount: 'ten' }, SECRET)).rejects.toThrow(
      /amount/,
    );
  });

  it('an unknown kind is a TypeError listing the kinds', async () => {
    const kind = 'refund' as 'payment';
    await expect(signRequest(kind, payment, SECRET)).rejects.toThrow(/payment, plan/);
  });

  it('an empty secret is a TypeError', async () => {
    await expect(signRequest('payment', payment, '')).rejects.toThrow(/secret/);
  });
});
