import { envelope, httpStatusFor } from '@portone-retry/testing';
import { describe, expect, it } from 'vitest';

describe('httpStatusFor', () => {
  it.each([
    [1000, 200],
    [2000, 200],
    [4001, 400],
    [4002, 400],
    [4010, 401],
    [4054, 401],
    [5000, 500],
    [5024, 500],
    [6014, 400],
    [7000, 400],
    [8002, 400],
  ])('answers %i with HTTP %i', (code, http) => {
    expect(httpStatusFor(code)).toBe(http);
  });
});

describe('envelope', () => {
  it('carries the code as a string, its reason and a message', () => {
    expect(envelope(4002)).toEqual({
      message: 'duplicate transaction error',
      status_code: '4002',
      status_reason: 'DUPLICATE_TRANSACTION_ERROR',
    });
  });

  it('keeps content and a given message', () => {
    expect(envelope(2000, 'ok', { status: 'Success' })).toEqual({
      content: { status: 'Success' },
      message: 'ok',
      status_code: '2000',
      status_reason: 'SUCCESS',
    });
  });

  it('takes a code that is not in the catalogue', () => {
    expect(envelope(5999)).toMatchObject({ status_code: '5999', status_reason: 'UNKNOWN_ERROR' });
  });
});
