import { describe, expect, it } from 'vitest';
import { lookupCode, seriesOf } from './support/internals.js';

describe('lookupCode', () => {
  it('finds a known code with its series and default outcome', () => {
    expect(lookupCode(6014)).toMatchObject({
      code: 6014,
      status: 'INVALID_CARD_DECLINED_ERROR',
      series: 'card',
      outcome: 'surface',
    });
  });

  it('accepts the code as a string', () => {
    expect(lookupCode('5024')?.status).toBe('PSP_COMMUNICATION_ERROR');
  });

  it('uses the status to pick between the two rows of 4081', () => {
    expect(lookupCode(4081, 'ROLE_NOT_ALLOWED')?.status).toBe('ROLE_NOT_ALLOWED');
    expect(lookupCode(4081, 'PARTIAL_REFUND_NOT_ALLOWED')?.status).toBe(
      'PARTIAL_REFUND_NOT_ALLOWED',
    );
    expect(lookupCode(4081)?.status).toBe('PARTIAL_REFUND_NOT_ALLOWED');
  });

  it('returns undefined for an unknown code', () => {
    expect(lookupCode(4000)).toBeUndefined();
    expect(lookupCode('not a code')).toBeUndefined();
  });
});

describe('seriesOf', () => {
  it.each([
    [1001, 'pending'],
    [2000, 'success'],
    ['4001', 'validation'],
    [5000, 'system'],
    [6001, 'card'],
    [7000, 'unknown'],
    [8001, 'psp'],
    ['200', 'unknown'],
    [9000, 'unknown'],
    [3000, 'unknown'],
  ] as const)('%s is %s', (code, series) => {
    expect(seriesOf(code)).toBe(series);
  });
});
