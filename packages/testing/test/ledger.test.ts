import { Ledger, seededRandom } from '@portone-retry/testing';
import { describe, expect, it } from 'vitest';

describe('seededRandom', () => {
  const draw = (seed: number, n = 20) => {
    const random = seededRandom(seed);
    return Array.from({ length: n }, () => random());
  };

  it('repeats exactly for a seed', () => {
    expect(draw(7)).toEqual(draw(7));
  });

  it('differs across seeds', () => {
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(1)[0]).not.toBe(draw(2)[0]);
  });

  it('draws in [0, 1) and spreads', () => {
    const values = draw(42, 1000);
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    expect(new Set(values).size).toBe(1000);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('Ledger', () => {
  it('counts payments per merchant order ref', () => {
    const ledger = new Ledger();
    expect(ledger.count('A')).toBe(0);
    ledger.create('A', { amount: 100 });
    ledger.create('B');
    expect(ledger.count('A')).toBe(1);
    expect(ledger.count('B')).toBe(1);
    expect(ledger.count('C')).toBe(0);
    expect(ledger.total()).toBe(2);
  });

  it('gets a payment by merchant ref or by PortOne ref', () => {
    const ledger = new Ledger();
    const a = ledger.create('A', { amount: 100 });
    const b = ledger.create('B', { status: 'Pending', pollsLeft: 3, settleTo: 'Failed' });
    expect(a.orderRef).toBe('PO00000001');
    expect(b.orderRef).toBe('PO00000002');
    expect(ledger.get('A')).toBe(a);
    expect(ledger.get('PO00000002')).toBe(b);
    expect(ledger.get('PO00000003')).toBeUndefined();
    expect(a).toMatchObject({ kind: 'payment', amount: 100, status: 'Success', captured: false });
    expect(b).toMatchObject({ status: 'Pending', pollsLeft: 3, settleTo: 'Failed' });
  });

  it('lists merchant refs charged twice', () => {
    const ledger = new Ledger();
    const first = ledger.create('A');
    const second = ledger.create('A');
    ledger.create('B');
    expect(ledger.count('A')).toBe(2);
    expect(ledger.duplicates()).toEqual(['A']);
    expect(ledger.get('A')).toBe(first);
    expect(ledger.get(second.orderRef)).toBe(second);
    expect(ledger.entries().map((p) => p.orderRef)).toEqual([
      'PO00000001',
      'PO00000002',
      'PO00000003',
    ]);
  });

  it('reset() forgets every payment and restarts the refs', () => {
    const ledger = new Ledger();
    ledger.create('A');
    ledger.create('A');
    ledger.reset();
    expect(ledger.count('A')).toBe(0);
    expect(ledger.total()).toBe(0);
    expect(ledger.duplicates()).toEqual([]);
    expect(ledger.create('C').orderRef).toBe('PO00000001');
  });
});
