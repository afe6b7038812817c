import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  type Classification,
  type CodeInfo,
  createPortOneError,
  DEFAULT_CUSTOMER_MESSAGES,
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
} from '../src/index.js';

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
  if (info.series === 'pending') return PortOnePendingTimeoutError;
  if (info.series === 'validation') {
    return info.tags.includes('auth') ? PortOneAuthenticationError : PortOneValidationError;
  }
  if (info.series === 'system') return PortOneSystemError;
  if (info.series === 'card') return PortOneCardError;
  if (info.series === 'psp') return PortOnePspError;
  return PortOneUnknownError;
};

describe('createPortOneError over the whole catalogue', () => {
  const errorRows = CATALOGUE.filter((info) => info.series !== 'success');

  it.each(errorRows.map((info) => [info.code, info.status, info] as const))(
    '%i %s maps to its class with its fields',
    (_code, _status, info) => {
      const error = createPortOneError(classificationOf(info), {
        attempts: 2,
        orderRef: 'ORDER-9',
      });
      const Class = expectedClass(info);
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(PortOneError);
      expect(error.name).toBe(Class.name);
      expect(error.code).toBe(info.code);
      expect(error.series).toBe(info.series);
      expect(error.outcome).toBe(info.outcome);
      expect(error.retryable).toBe(info.outcome === 'retry');
      expect(error.attempts).toBe(2);
      expect(error.orderRef).toBe('ORDER-9');
      if (info.series === 'card' || DEFAULT_CUSTOMER_MESSAGES[info.code] !== undefined) {
        expect(error.customerMessage).toBe(DEFAULT_CUSTOMER_MESSAGES[info.code]);
      } else {
        expect(error.customerMessage).toBeUndefined();
      }
    },
  );

  it('gives every 6000 code its own customer message', () => {
    for (const info of CATALOGUE.filter((row) => row.series === 'card')) {
      expect(DEFAULT_CUSTOMER_MESSAGES[info.code], String(info.code)).toMatch(/^[A-Z].+\.$/);
    }
  });

  it('never reveals fraud or internals to the customer', () => {
    const messages = Object.values(DEFAULT_CUSTOMER_MESSAGES).join(' ');
    expect(messages).not.toMatch(/fraud|psp|portone|\d{4}|risk/i);
    expect(DEFAULT_CUSTOMER_MESSAGES[4100]).toBe(GENERIC_DECLINE_MESSAGE);
  });

  it('lets the user replace a customer message', () => {
    const info = CATALOGUE.find((row) => row.code === 6014) as CodeInfo;
    const error = createPortOneError(classificationOf(info), {
      attempts: 1,
      customerMessages: { 6014: 'Card declined — try another.' },
    });
    expect(error.customerMessage).toBe('Card declined — try another.');
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

describe('transport and HTTP-only classifications', () => {
  it.each([
    ['not-sent', PortOneNetworkError, false],
    ['ambiguous', PortOneNetworkError, true],
    ['timeout', PortOneTimeoutError, true],
    ['aborted', PortOneAbortError, false],
  ] as const)('%s → %s', (transport, Class, ambiguous) => {
    const error = createPortOneError(
      { kind: 'transport', series: 'transport', transport, ambiguous },
      { attempts: 1, cause: new Error('socket hang up') },
    );
    expect(error).toBeInstanceOf(Class);
    expect(error.series).toBe('transport');
    if (error instanceof PortOneNetworkError) expect(error.ambiguous).toBe(ambiguous);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('maps a 401 without a code to an authentication error and a proxy 502 to a system error', () => {
    const auth = createPortOneError(
      { kind: 'error', series: 'validation', httpStatus: 401, ambiguous: false },
      { attempts: 1 },
    );
    const proxy = createPortOneError(
      { kind: 'error', series: 'system', httpStatus: 502, ambiguous: true, body: '<html>' },
      { attempts: 3 },
    );
    expect(auth).toBeInstanceOf(PortOneAuthenticationError);
    expect(proxy).toBeInstanceOf(PortOneSystemError);
    expect(proxy.message).toBe('PortOne answered HTTP 502 (3 attempts)');
    expect(proxy.response).toEqual({ status: 502, data: '<html>' });
  });
});

describe('PortOneError', () => {
  const secretBody = {
    status_code: '6014',
    message: 'declined card 4111111111111111 with key=pbmYjsswixLjpqmj',
    signature_hash: 'c2lnbmF0dXJl',
  };
  const error = createPortOneError(
    {
      kind: 'error',
      series: 'card',
      code: 6014,
      message: secretBody.message,
      body: secretBody,
      httpStatus: 400,
      ambiguous: false,
    },
    {
      attempts: 1,
      url: 'https://api.portone.cloud/x',
      cause: Object.assign(new Error('Bearer abc.def'), {
        config: { headers: { Authorization: 'Bearer abc.def' } },
      }),
    },
  );

  it('redacts secrets from message, toJSON and util.inspect', () => {
    for (const text of [
      error.message,
      JSON.stringify(error),
      JSON.stringify(error.toJSON()),
      inspect(error),
    ]) {
      expect(text).not.toContain('4111111111111111');
      expect(text).not.toContain('pbmYjsswixLjpqmj');
      expect(text).not.toContain('c2lnbmF0dXJl');
      expect(text).not.toContain('abc.def');
    }
    expect(error.toJSON()).toMatchObject({
      name: 'PortOneCardError',
      code: 6014,
      series: 'card',
      attempts: 1,
    });
  });

  it('is recognised across package copies by its Symbol.for brand', () => {
    const foreign = Object.create({ [Symbol.for('portone-retry.error')]: true });
    expect(isPortOneError(error)).toBe(true);
    expect(isPortOneError(foreign)).toBe(true);
    expect(isPortOneError(new Error('x'))).toBe(false);
    expect(isPortOneError(null)).toBe(false);
  });

  it('carries reconciliation data on a pending timeout', () => {
    const pending = createPortOneError(
      {
        kind: 'pending',
        series: 'pending',
        ambiguous: false,
        paymentStatus: 'Pending',
        code: 1000,
      },
      { attempts: 1, orderRef: 'ORDER-5', elapsedMs: 1234 },
    ) as PortOnePendingTimeoutError;
    expect(pending).toBeInstanceOf(PortOnePendingTimeoutError);
    expect(pending.toJSON()).toMatchObject({
      orderRef: 'ORDER-5',
      lastStatus: 'Pending',
      elapsedMs: 1234,
      attempts: 1,
    });
  });
});
