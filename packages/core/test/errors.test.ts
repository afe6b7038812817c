import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import {
  CATALOGUE,
  type Classification,
  type CodeInfo,
  createPortOneError,
  customerMessageFor,
  DEFAULT_CUSTOMER_MESSAGES,
  ERROR_CLASSES,
  GENERIC_DECLINE_MESSAGE,
  isPortOneError,
  PortOneAbortError,
  PortOneAuthenticationError,
  PortOneCardError,
  PortOneError,
  PortOneNetworkError,
  PortOnePendingTimeoutError,
  PortOnePspError,
  PortOneSystemError,
  PortOneTimeoutError,
  PortOneUnknownError,
  PortOneValidationError,
  REDACTED,
} from './support/internals.js';

// Written out from the design, not derived from the catalogue's tags, so a lost tag fails here.
const AUTH_CODES = new Set([4010, 4011, 4012, 4054, 4084, 4099]);
const CUSTOMER_ACTIONABLE = new Set([4056, 4072, 4073, 4082, 4100, 8002, 8004]);
const CLASS_OF_SERIES = {
  pending: PortOnePendingTimeoutError,
  validation: PortOneValidationError,
  system: PortOneSystemError,
  card: PortOneCardError,
  unknown: PortOneUnknownError,
  psp: PortOnePspError,
} as const;

const classificationOf = (info: CodeInfo): Classification => ({
  kind: info.series === 'pending' ? 'pending' : 'error',
  series: info.series,
  code: info.code,
  status: info.status,
  info,
  httpStatus: 400,
  ambiguous: false,
});

const expectedClass = (info: CodeInfo) => {
  if (AUTH_CODES.has(info.code)) return PortOneAuthenticationError;
  if (info.series === 'success') throw new Error(`no error class for ${info.code}`);
  return CLASS_OF_SERIES[info.series];
};

describe('createPortOneError over the whole catalogue', () => {
  it('covers every series the catalogue holds', () => {
    expect(new Set(CATALOGUE.map((info) => info.series))).toEqual(
      new Set(['validation', 'system', 'card', 'unknown', 'psp']),
    );
  });

  it.each(CATALOGUE.map((info) => [info.code, info.status, info] as const))(
    '%i %s maps to its class with its fields',
    (code, status, info) => {
      const error = createPortOneError(classificationOf(info), {
        attempts: 2,
        orderRef: 'ORDER-9',
      });
      const Class = expectedClass(info);
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(PortOneError);
      expect(error.name).toBe(Class.name);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.series).toBe(info.series);
      expect(error.outcome).toBe(info.outcome);
      expect(error.retryable).toBe(info.outcome === 'retry');
      expect(error.attempts).toBe(2);
      expect(error.orderRef).toBe('ORDER-9');
      expect(error.httpStatus).toBe(400);
      expect(error.message).toBe(`PortOne ${code} ${status} (2 attempts)`);
      if (info.series === 'card' || CUSTOMER_ACTIONABLE.has(code)) {
        expect(error.customerMessage).toBe(DEFAULT_CUSTOMER_MESSAGES[code]);
        expect(error.customerMessage).toMatch(/^[A-Z].+\.$/);
      } else {
        expect(error.customerMessage).toBeUndefined();
      }
    },
  );

  it('maps HTTP 401/403 without a code to an authentication error, other 4xx to validation', () => {
    const of = (httpStatus: number) =>
      createPortOneError(
        { kind: 'error', series: 'validation', httpStatus, ambiguous: false },
        { attempts: 1 },
      );
    expect(of(401)).toBeInstanceOf(PortOneAuthenticationError);
    expect(of(403)).toBeInstanceOf(PortOneAuthenticationError);
    expect(of(404)).toBeInstanceOf(PortOneValidationError);
    expect(of(404)).not.toBeInstanceOf(PortOneAuthenticationError);
  });

  it('lets the decided outcome override the catalogue default', () => {
    const info = CATALOGUE.find((row) => row.code === 5000)!;
    const error = createPortOneError(classificationOf(info), { attempts: 4, outcome: 'fail' });
    expect(error.outcome).toBe('fail');
    expect(error.retryable).toBe(false);
  });

  it('falls back to the series default for a code the catalogue does not know', () => {
    const error = createPortOneError(
      { kind: 'error', series: 'system', code: 5099, ambiguous: false },
      { attempts: 1 },
    );
    expect(error).toBeInstanceOf(PortOneSystemError);
    expect(error.outcome).toBe('retry');
    expect(error.retryable).toBe(true);
  });
});

describe('customer messages', () => {
  it('gives every 6000 code its own customer message', () => {
    for (const info of CATALOGUE.filter((row) => row.series === 'card')) {
      expect(DEFAULT_CUSTOMER_MESSAGES[info.code], String(info.code)).toMatch(/^[A-Z].+\.$/);
    }
    expect(DEFAULT_CUSTOMER_MESSAGES[6013]).toBe(
      'Your card has expired. Please use a different card.',
    );
  });

  it('never reveals fraud, PSPs or internals to the customer', () => {
    const messages = Object.values(DEFAULT_CUSTOMER_MESSAGES).join(' ');
    expect(messages).not.toMatch(/fraud|psp|portone|\d{4}|risk|_ERROR|suspect/i);
    expect(DEFAULT_CUSTOMER_MESSAGES[4100]).toBe(
      'Your payment could not be completed. Please try another payment method.',
    );
  });

  it('lets the user replace a customer message, but only with a sentence', () => {
    const info = CATALOGUE.find((row) => row.code === 6014)!;
    const error = createPortOneError(classificationOf(info), {
      attempts: 1,
      customerMessages: { 6014: 'Card declined — try another.' },
    });
    expect(error.customerMessage).toBe('Card declined — try another.');
    expect(customerMessageFor(6014, { 6014: '' })).toBe(DEFAULT_CUSTOMER_MESSAGES[6014]);
    expect(customerMessageFor(6014, { 6014: 42 as unknown as string })).toBe(
      DEFAULT_CUSTOMER_MESSAGES[6014],
    );
    expect(customerMessageFor(undefined)).toBeUndefined();
    expect(customerMessageFor(5000)).toBeUndefined();
  });

  it('gives an unknown 6000 code the generic decline', () => {
    const error = createPortOneError(
      { kind: 'error', series: 'card', code: 6099, ambiguous: false },
      { attempts: 1 },
    );
    expect(error).toBeInstanceOf(PortOneCardError);
    expect(error.customerMessage).toBe(GENERIC_DECLINE_MESSAGE);
  });
});

describe('transport, timeout, abort and pending classifications', () => {
  it.each([
    ['not-sent', PortOneNetworkError, false],
    ['ambiguous', PortOneNetworkError, true],
    ['timeout', PortOneTimeoutError, true],
    ['aborted', PortOneAbortError, false],
  ] as const)('%s → %s', (transport, Class, ambiguous) => {
    const cause = new Error('socket hang up');
    const error = createPortOneError(
      { kind: 'transport', series: 'transport', transport, ambiguous },
      { attempts: 1, cause },
    );
    expect(error).toBeInstanceOf(Class);
    expect(error.name).toBe(Class.name);
    expect(error.series).toBe('transport');
    // A redacted copy: same class name, message and nothing else to hide here.
    expect(error.cause).toEqual(cause);
    expect(error.cause).not.toBe(cause);
    if (error instanceof PortOneNetworkError) {
      expect(error.ambiguous).toBe(ambiguous);
      expect(error.transport).toBe(transport);
    }
  });

  it('carries the timeout phase and limit', () => {
    const error = createPortOneError(
      { kind: 'transport', series: 'transport', transport: 'timeout', ambiguous: true },
      { attempts: 3, timeoutMs: 5000, phase: 'deadline' },
    ) as PortOneTimeoutError;
    expect(error).toMatchObject({ phase: 'deadline', timeoutMs: 5000, ambiguous: true });
    expect(error.toJSON()).toMatchObject({ phase: 'deadline', timeoutMs: 5000, attempts: 3 });
    const attempt = createPortOneError(
      { kind: 'transport', series: 'transport', transport: 'timeout', ambiguous: true },
      { attempts: 1 },
    ) as PortOneTimeoutError;
    expect(attempt.phase).toBe('attempt');
  });

  it("keeps the signal's reason as the cause of an abort", () => {
    const controller = new AbortController();
    controller.abort(new Error('user left the checkout'));
    const error = createPortOneError(
      { kind: 'transport', series: 'transport', transport: 'aborted', ambiguous: false },
      { attempts: 1, cause: controller.signal.reason },
    );
    expect(error).toBeInstanceOf(PortOneAbortError);
    expect(error.cause).toEqual(controller.signal.reason);
    expect((error.cause as Error).stack).toBe((controller.signal.reason as Error).stack);
    expect(error.message).toBe('PortOne request failed: the call was aborted (1 attempt)');
  });

  it('carries reconciliation data on a pending timeout', () => {
    const pending = createPortOneError(
      { kind: 'pending', series: 'pending', ambiguous: false, code: 1000 },
      { attempts: 7, orderRef: 'ORDER-5', elapsedMs: 1234, phase: 'poll' },
    ) as PortOnePendingTimeoutError;
    expect(pending).toBeInstanceOf(PortOnePendingTimeoutError);
    expect(pending.toJSON()).toMatchObject({
      name: 'PortOnePendingTimeoutError',
      orderRef: 'ORDER-5',
      lastStatus: 'Pending',
      lastCode: 1000,
      elapsedMs: 1234,
      attempts: 7,
    });
  });

  it('builds a proxy 502 into a system error with its redacted response', () => {
    const proxy = createPortOneError(
      { kind: 'error', series: 'system', httpStatus: 502, ambiguous: true, body: '<html>' },
      { attempts: 3 },
    );
    expect(proxy).toBeInstanceOf(PortOneSystemError);
    expect(proxy.message).toBe('PortOne answered HTTP 502 (3 attempts)');
    expect(proxy.response).toEqual({ status: 502, data: '<html>' });
  });
});

describe('ERROR_CLASSES', () => {
  it('maps every name to the class of that name, all of them PortOneErrors', () => {
    const names = Object.keys(ERROR_CLASSES);
    expect(names).toEqual(
      expect.arrayContaining([
        'PortOneError',
        'PortOneValidationError',
        'PortOneAuthenticationError',
        'PortOneSystemError',
        'PortOneCardError',
        'PortOneUnknownError',
        'PortOnePspError',
        'PortOneNetworkError',
        'PortOneTimeoutError',
        'PortOnePendingTimeoutError',
        'PortOneAbortError',
      ]),
    );
    for (const [name, Class] of Object.entries(ERROR_CLASSES)) {
      expect(Class.name).toBe(name);
      expect(Class === PortOneError || Class.prototype instanceof PortOneError, name).toBe(true);
    }
  });

  it('gives each class its own literal name on instances', () => {
    const instance = createPortOneError(
      { kind: 'error', series: 'psp', code: 8001, ambiguous: false },
      { attempts: 1 },
    );
    expect(instance.name).toBe('PortOnePspError');
    expect(ERROR_CLASSES[instance.name as keyof typeof ERROR_CLASSES]).toBe(PortOnePspError);
  });
});

describe('PortOneError', () => {
  const secretBody = {
    status_code: '6014',
    message: 'declined card 4111111111111111 with key=pbmYjsswixLjpqmj',
    signature_hash: 'c2lnbmF0dXJl',
  };
  const axiosLikeCause = Object.assign(new Error('Request failed: Bearer abc.def'), {
    code: 'ERR_BAD_REQUEST',
    config: { headers: { Authorization: 'Bearer abc.def', 'X-Portone-Client-Key': 'ck_live' } },
  });
  const error = createPortOneError(
    {
      kind: 'error',
      series: 'card',
      code: 6014,
      status: 'INVALID_CARD_DECLINED_ERROR',
      message: secretBody.message,
      body: secretBody,
      httpStatus: 400,
      ambiguous: false,
    },
    {
      attempts: 1,
      method: 'POST',
      url: 'https://user:pw@api.portone.cloud/api/initiatePayment?key=pbmYjsswixLjpqmj',
      cause: axiosLikeCause,
    },
  );
  const secrets = ['4111111111111111', 'pbmYjsswixLjpqmj', 'c2lnbmF0dXJl', 'abc.def', 'ck_live'];

  it('builds its message from redacted parts', () => {
    expect(error.message).toBe(
      'PortOne 6014 INVALID_CARD_DECLINED_ERROR: declined card ****1111 with key=[REDACTED] (1 attempt)',
    );
    const plain = createPortOneError(
      {
        kind: 'error',
        series: 'card',
        code: 6014,
        status: 'INVALID_CARD_DECLINED_ERROR',
        message: 'Card declined by issuer',
        ambiguous: false,
      },
      { attempts: 1 },
    );
    expect(plain.message).toBe(
      'PortOne 6014 INVALID_CARD_DECLINED_ERROR: Card declined by issuer (1 attempt)',
    );
  });

  it('redacts the URL and the response it keeps', () => {
    expect(error.url).toBe(`https://api.portone.cloud/api/initiatePayment?key=${REDACTED}`);
    expect(error.response).toEqual({
      status: 400,
      data: {
        status_code: '6014',
        message: `declined card ****1111 with key=${REDACTED}`,
        signature_hash: REDACTED,
      },
    });
    const direct = new PortOneSystemError({
      message: 'x',
      series: 'system',
      outcome: 'retry',
      attempts: 1,
      url: 'https://a:b@api.portone.cloud/api/merchant/pbmKey/payouts',
    });
    expect(direct.url).toBe(`https://api.portone.cloud/api/merchant/${REDACTED}/payouts`);
  });

  it('redacts secrets from message, toJSON and util.inspect', () => {
    for (const text of [
      error.message,
      JSON.stringify(error),
      JSON.stringify(error.toJSON()),
      inspect(error),
      inspect({ wrapped: error }, { depth: 5 }),
    ]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(error.toJSON()).toMatchObject({
      name: 'PortOneCardError',
      code: 6014,
      series: 'card',
      outcome: 'surface',
      retryable: false,
      attempts: 1,
      method: 'POST',
      customerMessage: DEFAULT_CUSTOMER_MESSAGES[6014],
      cause: {
        name: 'Error',
        message: `Request failed: Bearer ${REDACTED}`,
        code: 'ERR_BAD_REQUEST',
      },
    });
  });

  it('keeps a redacted copy of the cause, config included, and its stack in util.inspect', () => {
    const cause = error.cause as Error & Record<string, unknown>;
    expect(cause).not.toBe(axiosLikeCause);
    expect(cause).toBeInstanceOf(Error);
    expect(cause).toMatchObject({
      message: `Request failed: Bearer ${REDACTED}`,
      code: 'ERR_BAD_REQUEST',
      config: { headers: { Authorization: REDACTED, 'X-Portone-Client-Key': REDACTED } },
    });
    for (const text of [inspect(cause, { depth: 10 }), String(cause), cause.stack ?? '']) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    // The original is left as it was.
    expect(axiosLikeCause.config.headers.Authorization).toBe('Bearer abc.def');
    const printed = inspect(error);
    expect(printed).toMatch(/^PortOneCardError: PortOne 6014/);
    expect(printed).toContain('errors.test.ts');
    expect(printed).toContain('"customerMessage"');
  });

  it('serialises bodies JSON cannot carry and causes that fight back', () => {
    const hostileCause = Object.defineProperty({}, 'message', {
      get() {
        throw new Error('no');
      },
    });
    const odd = createPortOneError(
      { kind: 'error', series: 'system', code: 5000, body: { amount: 10n }, ambiguous: false },
      { attempts: 1, cause: hostileCause },
    );
    expect(JSON.parse(JSON.stringify(odd))).toMatchObject({ response: { data: { amount: '10' } } });
    expect(odd.toJSON().cause).toBe('[object]');
    expect(() => inspect(odd)).not.toThrow();
    const symbolCause = createPortOneError(
      { kind: 'error', series: 'system', code: 5000, ambiguous: false },
      { attempts: 1, cause: Symbol('reason') },
    );
    expect(symbolCause.toJSON().cause).toBe('Symbol(reason)');
  });

  it("shortens PortOne's long messages in its own message", () => {
    const long = createPortOneError(
      { kind: 'error', series: 'system', code: 5000, message: 'x'.repeat(5000), ambiguous: false },
      { attempts: 1 },
    );
    expect(long.message.length).toBeLessThan(400);
    expect(long.message).toContain('…');
  });

  it('is recognised across realms and package copies by its Symbol.for brand', async () => {
    expect(isPortOneError(error)).toBe(true);
    expect(isPortOneError(new Error('x'))).toBe(false);
    expect(isPortOneError(null)).toBe(false);
    expect(isPortOneError('PortOneError')).toBe(false);
    expect(isPortOneError({ name: 'PortOneError' })).toBe(false);

    const otherRealm = runInNewContext(
      `const e = new Error('x'); Object.defineProperty(Object.getPrototypeOf(e), Symbol.for('portone-retry.error'), { value: true }); e`,
    );
    expect(otherRealm instanceof Error).toBe(false);
    expect(isPortOneError(otherRealm)).toBe(true);

    vi.resetModules();
    const copy = await import('../src/errors/index.js');
    const fromCopy = new copy.PortOneValidationError({
      message: 'x',
      series: 'validation',
      outcome: 'fail',
      attempts: 1,
    });
    expect(fromCopy).not.toBe(error);
    expect(isPortOneError(fromCopy)).toBe(true);
    expect(copy.isPortOneError(error)).toBe(true);
  });
});
