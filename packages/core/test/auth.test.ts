import { inspect } from 'node:util';
import { decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { resolveTokenProvider } from '../src/index.js';

const SECRET = 'portone-secret-key-0123456789';
const bearer = (headers: Record<string, string>) =>
  (headers.Authorization ?? '').replace(/^Bearer /, '');

describe('resolveTokenProvider with { key, secret }', () => {
  it('signs an HS256 JWT with PortOne’s claims and sends the client key', async () => {
    const now = Date.UTC(2026, 10, 24, 12);
    const provider = resolveTokenProvider({ key: 'merchant-key', secret: SECRET }, () => now)!;
    const headers = await provider.headers();
    expect(headers['X-Portone-Client-Key']).toBe('merchant-key');
    const { payload, protectedHeader } = await jwtVerify(
      bearer(headers),
      new TextEncoder().encode(SECRET),
      {
        currentDate: new Date(now),
      },
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toEqual({
      iss: 'PORTONE',
      sub: 'merchant-key',
      iat: now / 1000,
      exp: now / 1000 + 21_600,
    });
  });

  it('caches the token until shortly before it expires, then signs a new one', async () => {
    let now = Date.UTC(2026, 10, 24, 12);
    const provider = resolveTokenProvider(
      { key: 'k', secret: SECRET, ttlSeconds: 600 },
      () => now,
    )!;
    const first = bearer(await provider.headers());
    now += 500_000;
    expect(bearer(await provider.headers())).toBe(first);
    now += 50_000; // 9 min 10 s: inside the last minute
    const renewed = bearer(await provider.headers());
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).iat).toBe(Math.floor(now / 1000));
  });

  it('refresh() drops the cached token', async () => {
    let now = Date.UTC(2026, 10, 24, 12);
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET }, () => now)!;
    const first = bearer(await provider.headers());
    now += 1000;
    provider.refresh();
    expect(bearer(await provider.headers())).not.toBe(first);
  });

  it('never shows the secret', () => {
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET })!;
    expect(JSON.stringify(provider)).not.toContain(SECRET);
    expect(inspect(provider, { depth: 5, showHidden: true })).not.toContain(SECRET);
  });

  it.each([
    [{ key: '', secret: SECRET }, 'token.key'],
    [{ key: 'k' }, 'token.secret'],
    [{ key: 'k', secret: SECRET, ttlSeconds: 1 }, 'token.ttlSeconds'],
    [{ key: 'k', secret: SECRET, scret: 'x' }, 'token.scret'],
    ['jwt', 'token must be'],
  ])('%j throws a TypeError naming the option, without the secret', (option, name) => {
    expect(() => resolveTokenProvider(option as never)).toThrow(name);
    try {
      resolveTokenProvider(option as never);
    } catch (error) {
      expect(String(error)).not.toContain(SECRET);
    }
  });
});

describe('resolveTokenProvider with a function', () => {
  const jwt = (payload: object) =>
    `eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify(payload)).replace(/=+$/, '')}.c2ln`;

  it('asks once for concurrent callers and caches by the token’s exp; the key comes from sub', async () => {
    let calls = 0;
    const now = Date.UTC(2026, 10, 24, 12);
    const provider = resolveTokenProvider(
      async () => {
        calls++;
        return jwt({ sub: 'key-from-sub', exp: now / 1000 + 3600 });
      },
      () => now,
    )!;
    const all = await Promise.all([provider.headers(), provider.headers(), provider.headers()]);
    expect(calls).toBe(1);
    expect(all[0]?.['X-Portone-Client-Key']).toBe('key-from-sub');
    await provider.headers();
    expect(calls).toBe(1);
  });

  it('asks every time for a token without a readable exp', async () => {
    let calls = 0;
    const provider = resolveTokenProvider(() => {
      calls++;
      return 'opaque-token';
    })!;
    await provider.headers();
    await provider.headers();
    expect(calls).toBe(2);
  });

  it('rejects a provider that returns no token', async () => {
    const provider = resolveTokenProvider(() => '')!;
    await expect(provider.headers()).rejects.toThrow('non-empty JWT');
  });
});
