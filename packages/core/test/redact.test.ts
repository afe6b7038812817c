import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactHeaders, redactText, redactUrl } from '../src/index.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJQT1JUT05FIiwic3ViIjoia2V5In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('redactText', () => {
  it.each([
    [`token ${JWT} here`, JWT],
    ['Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['card 4111 1111 1111 1111 declined', '4111 1111 1111 1111'],
    ['pan=5555555555554444', '5555555555554444'],
    ['key=pbmYjsswixLjpqmj&amount=1', 'pbmYjsswixLjpqmj'],
    ['signature_hash=abc123%3D%3D', 'abc123%3D%3D'],
    ['"secret": "s3cr3t-value"', 's3cr3t-value'],
    ['otp=123456', '123456'],
  ])('masks %s', (text, secret) => {
    expect(redactText(text)).not.toContain(secret);
  });

  it('keeps the last four digits of a card number and leaves non-Luhn numbers alone', () => {
    expect(redactText('card 4111111111111111')).toBe('card ****1111');
    expect(redactText('order 1234567890123')).toBe('order 1234567890123');
  });
});

describe('redact', () => {
  it('replaces sensitive fields at any depth without touching the input', () => {
    const input = {
      key: 'merchant-key',
      nested: { secret_key: 'sk', card: { cvv: '123', card_number: '4111111111111111' } },
      list: [{ otp: '000000' }],
      amount: 100,
    };
    const out = redact(input) as typeof input;
    expect(out).toEqual({
      key: REDACTED,
      nested: { secret_key: REDACTED, card: { cvv: REDACTED, card_number: REDACTED } },
      list: [{ otp: REDACTED }],
      amount: 100,
    });
    expect(input.key).toBe('merchant-key');
  });

  it('survives cycles, getters that throw and deep nesting', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(redact(cyclic)).toEqual({ a: 1, self: '[Circular]' });
    expect(redact(hostile)).toEqual({ boom: '[Unreadable]' });
  });

  it('never lets a generated secret through, whatever surrounds it', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{16,32}$/);
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom('key', 'secret', 'signature_hash', 'cvv', 'otp'),
        (value, field) => {
          const out = JSON.stringify(
            redact({ body: { [field]: value }, text: `${field}=${value}` }),
          );
          expect(out).not.toContain(value);
        },
      ),
    );
  });
});

describe('redactHeaders and redactUrl', () => {
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
    expect(redactHeaders({ cookie: 'a=b' })).toEqual({ cookie: REDACTED });
  });

  it('drops userinfo and secret query values from URLs', () => {
    const url = redactUrl('https://user:pass@api.portone.cloud/api/x?key=abc&page=2');
    expect(url).toBe(`https://api.portone.cloud/api/x?key=${REDACTED}&page=2`);
    expect(inspect(url)).not.toContain('pass');
  });
});
