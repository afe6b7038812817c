import { describe, expect, it } from 'vitest';
import { blockInterval, type OverheadRow, type PairResult } from '../overhead.js';
import { targetTally, targetVerdict } from '../report.js';

describe('blockInterval', () => {
  it('draws whole blocks: two blocks of their own values give an interval from one to the other', () => {
    expect(
      blockInterval([
        [1, 1, 1],
        [2, 2, 2],
      ]),
    ).toEqual([1, 2]);
  });

  it('collapses to the value when every block agrees, and needs two blocks', () => {
    expect(blockInterval([[0.97, 0.97], [0.97], [0.97, 0.97]])).toEqual([0.97, 0.97]);
    expect(blockInterval([[0.9, 1.1, 1]])).toBeUndefined();
    expect(blockInterval([[0.9, 1.1, 1], []])).toBeUndefined();
  });

  it('narrows as blocks agree more, and gives the same interval for the same blocks', () => {
    const spread = [[0.85], [0.9], [0.95], [1], [1.05], [0.92], [0.98], [1.01]];
    const wide = blockInterval(spread)!;
    expect(blockInterval(spread)).toEqual(wide);
    expect(wide[0]).toBeLessThan(0.95);
    expect(wide[1]).toBeGreaterThan(0.95);
    expect(wide[0]).toBeGreaterThanOrEqual(0.85);
    expect(wide[1]).toBeLessThanOrEqual(1.05);
    // The same centre, with every block twice as close to it.
    const close = blockInterval(spread.map(([x]) => [0.95 + (x! - 0.95) / 2]))!;
    expect(close[1] - close[0]).toBeLessThan(wide[1] - wide[0]);
    // A narrower level gives a narrower interval.
    const half = blockInterval(spread, { level: 0.5 })!;
    expect(half[1] - half[0]).toBeLessThan(wide[1] - wide[0]);
  });
});

const pair = (ratio: number, interval?: readonly [number, number]): PairResult => ({
  ratio,
  iqr: [ratio, ratio],
  rounds: 30,
  failed: 0,
  ratios: [ratio],
  blockMedians: [ratio],
  ...(interval === undefined ? {} : { interval }),
});

describe('targetVerdict', () => {
  it('is met at 0.95 or more, whatever the interval', () => {
    expect(targetVerdict(pair(0.95))).toBe('met');
    expect(targetVerdict(pair(0.97, [0.9, 1.01]))).toBe('met');
  });

  it('is unresolved below 0.95 when 0.95 is within the interval, missed when it is not', () => {
    expect(targetVerdict(pair(0.937, [0.9, 0.97]))).toBe('unresolved');
    expect(targetVerdict(pair(0.937, [0.9, 0.95]))).toBe('unresolved');
    expect(targetVerdict(pair(0.937, [0.91, 0.949]))).toBe('missed');
    // No interval (a single block, as in --quick): the run cannot tell it from 0.95.
    expect(targetVerdict(pair(0.949))).toBe('unresolved');
  });
});

const row = (client: string, extra: Partial<OverheadRow>): OverheadRow => ({
  concurrency: 16,
  client,
  baseline: undefined,
  ours: false,
  option: false,
  reference: false,
  pair: undefined,
  rps: 1000,
  p50Ms: 1,
  p99Ms: 2,
  failed: 0,
  cut: 0,
  rounds: 1,
  ratio: 1,
  ratioIqr: [1, 1],
  roundsRps: [1000],
  ...extra,
});

describe('targetTally', () => {
  it('counts only the rows under the target: ours, default options', () => {
    const rows = [
      row('fetch', {}),
      row('ours: a', { baseline: 'fetch', ours: true, pair: pair(0.97, [0.93, 1]) }),
      row('ours: b', { baseline: 'fetch', ours: true, pair: pair(0.94, [0.9, 0.98]) }),
      row('ours: c', { baseline: 'fetch', ours: true, pair: pair(0.9, [0.88, 0.92]) }),
      row('ours: option', {
        baseline: 'fetch',
        ours: true,
        option: true,
        pair: pair(0.7, [0.6, 0.8]),
      }),
      row('peer', { baseline: 'fetch', pair: pair(0.5, [0.4, 0.6]) }),
    ];
    const tally = targetTally(rows);
    expect(tally).toContain('met in 1 of 3 cells');
    expect(tally).toContain('1 below it but not resolved from it');
    expect(tally).not.toContain('single block');
    expect(tally).toContain('1 below it beyond the run');
  });

  it('says only how many were met when all were', () => {
    const tally = targetTally([
      row('ours: a', { baseline: 'fetch', ours: true, pair: pair(0.96, [0.93, 1]) }),
    ]);
    expect(tally).toContain('met in 1 of 1 cells.');
    expect(tally).not.toContain('below');
    expect(targetTally([row('fetch', {})])).toBe('');
  });

  it('says when a cell is unresolved for want of an interval (a single block, as in --quick)', () => {
    const tally = targetTally([row('ours: a', { baseline: 'fetch', ours: true, pair: pair(0.9) })]);
    expect(tally).toContain('met in 0 of 1 cells; 1 below it but not resolved from it');
    expect(tally).toContain('or a single block, which has none');
  });
});
