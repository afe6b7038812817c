import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256, verifyHs256 } from '../src/hs256.js';
import { signedJwt } from './support.js';

describe('hmacSha256', () => {
  it('matches node:crypto for any key and message, including keys longer than a block', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, message) => {
          const expected = createHmac('sha256', key).update(message).digest('hex');
          expect(Buffer.from(hmacSha256(key, message)).toString('hex')).toBe(expected);
        },
      ),
    );
  });
});

describe('verifyHs256', () => {
  const token = signedJwt({ sub: 'k', iat: 1 }, 'secret');

  it('accepts a token signed with the secret', () => {
    expect(verifyHs256(token, 'secret')).toBe(true);
  });

  it('refuses another secret, a changed payload and a malformed token', () => {
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from('{"sub":"k","iat":2}').toString('base64url')}.${signature}`;
    expect(verifyHs256(token, 'other')).toBe(false);
    expect(verifyHs256(forged, 'secret')).toBe(false);
    expect(verifyHs256('not-a-jwt', 'secret')).toBe(false);
  });
});
