import { inspect } from 'node:util';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isPortOneError,
  PortOneAuthenticationError,
  resolveTokenProvider,
} from './support/internals.js';

const SECRET = 'portone-secret-key-0123456789';
const START = Date.UTC(2026, 10, 24, 12);
const bearer = (headers: Record<string, string>) =>
  (headers.Authorization ?? '').replace(/^Bearer /, '');

/** An unsigned token with the given payload: what a user's function might hand back. */
const jwtWith = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('resolveTokenProvider with { key, secret }', () => {
  it('is undefined without a token option', () => {
    expect(resolveTokenProvider(undefined)).toBeUndefined();
  });

  it('signs an HS256 JWT with PortOne’s claims, valid 6 hours, and sends the client key', async () => {
    const provider = resolveTokenProvider({ key: 'merchant-key', secret: SECRET }, () => START)!;
    const headers = await provider.headers();
    expect(Object.keys(headers).sort()).toEqual(['Authorization', 'X-Portone-Client-Key']);
    expect(headers['X-Portone-Client-Key']).toBe('merchant-key');
    const { payload, protectedHeader } = await jwtVerify(
      bearer(headers),
      new TextEncoder().encode(SECRET),
      { currentDate: new Date(START), algorithms: ['HS256'], issuer: 'PORTONE' },
    );
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'PORTONE',
      sub: 'merchant-key',
      iat: START / 1000,
      exp: START / 1000 + 6 * 60 * 60,
    });
  });

  it('signs the very token a JWT library signs for the same claims', async () => {
    for (const [key, secret] of [
      ['merchant-key', SECRET],
      ['키-ключ-🔑', 'secret with spaces, ümlauts and ✓'],
      ['k', 'x'],
    ] as const) {
      const provider = resolveTokenProvider({ key, secret, ttlSeconds: 3600 }, () => START)!;
      const ours = bearer(await provider.headers());
      const iat = START / 1000;
      const theirs = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('PORTONE')
        .setSubject(key)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 3600)
        .sign(new TextEncoder().encode(secret));
      expect(ours).toBe(theirs);
      expect(ours).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // base64url, no padding
    }
  });

  it('fails as a PortOneAuthenticationError where Web Crypto is missing, naming the way out', async () => {
    vi.stubGlobal('crypto', undefined);
    try {
      const provider = resolveTokenProvider({ key: 'k', secret: SECRET }, () => START)!;
      const error = await provider.headers().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortOneAuthenticationError);
      expect(String((error as Error).cause)).toMatch(/token as a function/);
      expect(JSON.stringify(error)).not.toContain(SECRET);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('does not verify with another secret', async () => {
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET }, () => START)!;
    const jwt = bearer(await provider.headers());
    await expect(
      jwtVerify(jwt, new TextEncoder().encode(`${SECRET}x`), { currentDate: new Date(START) }),
    ).rejects.toThrow(/signature/i);
  });

  it('reads the clock from Date.now by default (fake timers)', async () => {
    vi.useFakeTimers({ now: START });
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET, ttlSeconds: 600 })!;
    const first = bearer(await provider.headers());
    expect(decodeJwt(first)).toMatchObject({ iat: START / 1000, exp: START / 1000 + 600 });
    vi.advanceTimersByTime(539_000);
    expect(bearer(await provider.headers())).toBe(first);
    vi.advanceTimersByTime(1_000); // 60 s before exp: renewed
    const renewed = bearer(await provider.headers());
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).iat).toBe(START / 1000 + 540);
  });

  it('keeps one token until a minute before it expires, then signs a new one', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    let now = START;
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET }, () => now)!;
    const first = bearer(await provider.headers());
    now += (6 * 60 * 60 - 61) * 1000;
    expect(bearer(await provider.headers())).toBe(first);
    expect(sign).toHaveBeenCalledTimes(1);
    now += 1000;
    const renewed = bearer(await provider.headers());
    expect(sign).toHaveBeenCalledTimes(2);
    expect(decodeJwt(renewed).iat).toBe(Math.floor(now / 1000));
    expect(bearer(await provider.headers())).toBe(renewed);
    expect(sign).toHaveBeenCalledTimes(2);
  });

  it('refresh() drops the cached token', async () => {
    let now = START;
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET }, () => now)!;
    const first = bearer(await provider.headers());
    now += 1000;
    await expect(provider.refresh()).resolves.toBeUndefined();
    const second = bearer(await provider.headers());
    expect(second).not.toBe(first);
    expect(decodeJwt(second).iat).toBe(START / 1000 + 1);
  });

  it('signs once for concurrent callers', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET }, () => START)!;
    const all = await Promise.all(Array.from({ length: 5 }, () => provider.headers()));
    expect(sign).toHaveBeenCalledTimes(1);
    expect(new Set(all.map(bearer)).size).toBe(1);
  });

  it('does not hand a token asked for before refresh() to a caller after it', async () => {
    let now = START;
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET }, () => now)!;
    const before = provider.headers();
    await provider.refresh();
    now += 2000;
    const after = bearer(await provider.headers());
    expect(decodeJwt(bearer(await before)).iat).toBe(START / 1000);
    expect(decodeJwt(after).iat).toBe(START / 1000 + 2);
    // And the stale one was not cached over the fresh one.
    expect(bearer(await provider.headers())).toBe(after);
  });

  it('ignores changes to the option object after it was resolved', async () => {
    const option = { key: 'k', secret: SECRET };
    const provider = resolveTokenProvider(option, () => START)!;
    option.key = 'other';
    option.secret = 'other-secret';
    const headers = await provider.headers();
    expect(headers['X-Portone-Client-Key']).toBe('k');
    await jwtVerify(bearer(headers), new TextEncoder().encode(SECRET), {
      currentDate: new Date(START),
    });
  });

  it('never shows the secret: JSON, inspect, own properties', () => {
    const provider = resolveTokenProvider({ key: 'k', secret: SECRET })!;
    expect(JSON.stringify(provider)).not.toContain(SECRET);
    expect(JSON.stringify({ token: provider })).toBe('{"token":{"type":"TokenProvider"}}');
    expect(inspect(provider, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(inspect(provider, { depth: 10, showHidden: true, customInspect: false })).not.toContain(
      SECRET,
    );
    const values = Reflect.ownKeys(provider).map((name) =>
      String((provider as unknown as Record<PropertyKey, unknown>)[name]),
    );
    expect(values.join(' ')).not.toContain(SECRET);
    expect(Object.isFrozen(provider)).toBe(true);
  });

  it.each([
    [null, 'token must be'],
    ['jwt', 'token must be'],
    [['k', SECRET], 'token must be'],
    [{ key: '', secret: SECRET }, 'token.key'],
    [{ key: '  ', secret: SECRET }, 'token.key'],
    [{ key: 'k\r\nX-Injected: 1', secret: SECRET }, 'token.key'],
    [{ key: 42, secret: SECRET }, 'token.key'],
    [{ key: 'k' }, 'token.secret'],
    [{ key: 'k', secret: '' }, 'token.secret'],
    [{ key: 'k', secret: SECRET, ttlSeconds: 1 }, 'token.ttlSeconds'],
    [{ key: 'k', secret: SECRET, ttlSeconds: 3600.5 }, 'token.ttlSeconds'],
    [{ key: 'k', secret: SECRET, ttlSeconds: '3600' }, 'token.ttlSeconds'],
    [{ key: 'k', secret: SECRET, ttlSeconds: Number.POSITIVE_INFINITY }, 'token.ttlSeconds'],
    [{ key: 'k', secret: SECRET, scret: SECRET }, 'token.scret'],
  ])('%j throws a TypeError naming the option, without the secret', (option, name) => {
    let thrown: unknown;
    try {
      resolveTokenProvider(option as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toContain(name);
    expect(inspect(thrown)).not.toContain(SECRET);
  });
});

describe('resolveTokenProvider with a function', () => {
  it('asks once for concurrent callers and caches by the token’s exp; the key comes from sub', async () => {
    let calls = 0;
    let now = START;
    const provider = resolveTokenProvider(
      async () => {
        calls++;
        return jwtWith({ sub: 'key-from-sub', exp: now / 1000 + 3600 });
      },
      () => now,
    )!;
    const all = await Promise.all([provider.headers(), provider.headers(), provider.headers()]);
    expect(calls).toBe(1);
    expect(all.map((headers) => headers['X-Portone-Client-Key'])).toEqual([
      'key-from-sub',
      'key-from-sub',
      'key-from-sub',
    ]);
    now += 3539_000;
    await provider.headers();
    expect(calls).toBe(1);
    now += 1000;
    await provider.headers();
    expect(calls).toBe(2);
    await provider.refresh();
    await provider.headers();
    expect(calls).toBe(3);
  });

  it('reads a UTF-8 payload', async () => {
    const provider = resolveTokenProvider(
      () => jwtWith({ sub: 'key', name: '포트원', exp: START / 1000 + 3600 }),
      () => START,
    )!;
    expect((await provider.headers())['X-Portone-Client-Key']).toBe('key');
  });

  it.each([
    ['an opaque token', 'opaque-token'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c'],
    ['an exp that is not a number', jwtWith({ exp: '9999999999' })],
    ['a payload that is an array', jwtWith([1, 2])],
  ])('asks every time for %s, and sends no client key', async (_, token) => {
    let calls = 0;
    const provider = resolveTokenProvider(() => {
      calls++;
      return token;
    })!;
    expect(await provider.headers()).toEqual({ Authorization: `Bearer ${token}` });
    await provider.headers();
    expect(calls).toBe(2);
  });

  it('trims the token (a file or env var often ends with a newline)', async () => {
    const provider = resolveTokenProvider(() => 'abc.def.ghi\n')!;
    expect((await provider.headers()).Authorization).toBe('Bearer abc.def.ghi');
  });

  it('turns a throwing provider into a PortOneAuthenticationError, keeping the cause', async () => {
    const failure = new Error('vault unreachable');
    const provider = resolveTokenProvider(async () => {
      throw failure;
    })!;
    const error = await provider.headers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortOneAuthenticationError);
    expect(isPortOneError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'PortOneAuthenticationError',
      series: 'validation',
      outcome: 'fail',
      retryable: false,
      cause: failure,
    });
    expect((error as Error).message).toContain('token provider threw');
  });

  it('keeps a redacted copy of the cause: the merchant’s own auth call shows no secret', async () => {
    // What axios throws when the merchant's `/api/merchant/auth-token` call is refused.
    const failure = Object.assign(new Error('Request failed with status code 401'), {
      name: 'AxiosError',
      code: 'ERR_BAD_REQUEST',
      config: {
        method: 'post',
        url: 'https://shop.example/api/merchant/auth-token',
        headers: { 'X-Portone-Client-Key': 'pbmKey42', 'Content-Type': 'application/json' },
        data: '{"portone_key":"pbmKey42","portone_secret":"sk_live_0123456789abcdef"}',
      },
      response: { status: 401, data: { message: 'portone_secret=sk_live_0123456789abcdef' } },
    });
    const provider = resolveTokenProvider(async () => {
      throw failure;
    })!;
    const error = (await provider.headers().catch((e: unknown) => e)) as PortOneAuthenticationError;
    expect(error.cause).not.toBe(failure);
    expect(error.cause).toMatchObject({
      name: 'AxiosError',
      code: 'ERR_BAD_REQUEST',
      config: { url: 'https://shop.example/api/merchant/auth-token' },
      response: { status: 401 },
    });
    for (const text of [
      inspect(error.cause, { depth: 10 }),
      inspect(error),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain('sk_live_0123456789abcdef');
      expect(text).not.toContain('pbmKey42');
    }
  });

  it('a failure is not cached: the next call asks again', async () => {
    let calls = 0;
    const provider = resolveTokenProvider(() => {
      calls++;
      if (calls === 1) throw new Error('first call fails');
      return 'abc.def.ghi';
    })!;
    await expect(provider.headers()).rejects.toBeInstanceOf(PortOneAuthenticationError);
    await expect(provider.headers()).resolves.toEqual({ Authorization: 'Bearer abc.def.ghi' });
    expect(calls).toBe(2);
  });

  it.each([
    ['an empty string', ''],
    ['a non-string', 42],
    ['a token with a line break inside', 'abc\r\nX-Injected: 1'],
  ])('rejects a provider that returns %s', async (_, token) => {
    const provider = resolveTokenProvider(() => token as string)!;
    const error = await provider.headers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortOneAuthenticationError);
    expect((error as Error).message).toContain('no usable JWT');
  });

  it('does not put an unsafe sub into the client key header', async () => {
    const token = jwtWith({ sub: 'k\r\nX-Injected: 1', exp: START / 1000 + 3600 });
    const provider = resolveTokenProvider(
      () => token,
      () => START,
    )!;
    expect(await provider.headers()).toEqual({ Authorization: `Bearer ${token}` });
  });
});
