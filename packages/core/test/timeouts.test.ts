import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  startTimeout,
  stopTimeout,
  type TimeoutEntry,
  type TimeoutList,
} from '../src/engine/timeouts.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** An entry that records when (on the fake clock) its timeout came, and may throw. */
function entry(name: string, fired: string[], throws = false): TimeoutEntry {
  return {
    timeoutDue: 0,
    timeoutList: undefined as TimeoutList | undefined,
    timeoutPrevious: undefined,
    timeoutNext: undefined,
    timeOut() {
      fired.push(`${name}@${Math.round(performance.now())}`);
      if (throws) throw new Error(`${name} failed`);
    },
  };
}

describe('attempt timeouts kept in a list per duration', () => {
  it('times an entry out at its duration, not a millisecond before', () => {
    const fired: string[] = [];
    const start = Math.round(performance.now());
    startTimeout(entry('a', fired), 1000);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([`a@${start + 1000}`]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times entries started at different moments out each at its own time, in order', () => {
    const fired: string[] = [];
    const start = Math.round(performance.now());
    startTimeout(entry('a', fired), 1000);
    vi.advanceTimersByTime(400);
    startTimeout(entry('b', fired), 1000);
    vi.advanceTimersByTime(300);
    startTimeout(entry('c', fired), 1000);
    vi.advanceTimersByTime(2000);
    expect(fired).toEqual([`a@${start + 1000}`, `b@${start + 1400}`, `c@${start + 1700}`]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never times out a stopped entry, and holds no timer once every entry is stopped', () => {
    const fired: string[] = [];
    const a = entry('a', fired);
    const b = entry('b', fired);
    const c = entry('c', fired);
    for (const e of [a, b, c]) startTimeout(e, 500);
    expect(vi.getTimerCount()).toBe(1);
    stopTimeout(b);
    stopTimeout(b);
    vi.advanceTimersByTime(500);
    expect(fired.map((f) => f.split('@')[0])).toEqual(['a', 'c']);

    const d = entry('d', fired);
    startTimeout(d, 500);
    stopTimeout(d);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(fired).toHaveLength(2);
  });

  it('unlinks an entry from the middle, the head and the tail alike', () => {
    const fired: string[] = [];
    const all = ['a', 'b', 'c', 'd', 'e'].map((n) => entry(n, fired));
    for (const e of all) startTimeout(e, 100);
    stopTimeout(all[2]!);
    stopTimeout(all[0]!);
    stopTimeout(all[4]!);
    vi.advanceTimersByTime(100);
    expect(fired.map((f) => f.split('@')[0])).toEqual(['b', 'd']);
  });

  it('keeps durations apart: a short one is not held behind a long one', () => {
    const fired: string[] = [];
    const start = Math.round(performance.now());
    startTimeout(entry('long', fired), 5000);
    startTimeout(entry('short', fired), 200);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual([`short@${start + 200}`]);
    vi.advanceTimersByTime(4800);
    expect(fired).toEqual([`short@${start + 200}`, `long@${start + 5000}`]);
  });

  it('restarting an entry moves it to the back with a new time', () => {
    const fired: string[] = [];
    const start = Math.round(performance.now());
    const a = entry('a', fired);
    startTimeout(a, 1000);
    startTimeout(entry('b', fired), 1000);
    vi.advanceTimersByTime(600);
    startTimeout(a, 1000);
    vi.advanceTimersByTime(2000);
    expect(fired).toEqual([`b@${start + 1000}`, `a@${start + 1600}`]);
  });

  it('an entry whose timeOut throws keeps none of the others from theirs', () => {
    const fired: string[] = [];
    startTimeout(entry('a', fired, true), 100);
    startTimeout(entry('b', fired), 100);
    vi.advanceTimersByTime(100);
    expect(fired.map((f) => f.split('@')[0])).toEqual(['a', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an entry started while its list is swept is timed in full', () => {
    const fired: string[] = [];
    const start = Math.round(performance.now());
    const late = entry('late', fired);
    startTimeout(
      {
        ...entry('a', fired),
        timeOut() {
          fired.push(`a@${Math.round(performance.now())}`);
          startTimeout(late, 300);
        },
      },
      300,
    );
    vi.advanceTimersByTime(300);
    expect(fired).toEqual([`a@${start + 300}`]);
    vi.advanceTimersByTime(299);
    expect(fired).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([`a@${start + 300}`, `late@${start + 600}`]);
  });
});

describe('with fake timers that replace setTimeout and not the clock', () => {
  beforeEach(() => {
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  it('a lone entry times out when its timer fires, though the clock has not moved', () => {
    const fired: string[] = [];
    startTimeout(entry('a', fired), 60_000);
    vi.advanceTimersByTime(59_999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired.map((f) => f.split('@')[0])).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('later entries time out too, at the latest a duration after the one before', () => {
    const fired: string[] = [];
    startTimeout(entry('a', fired), 60_000);
    startTimeout(entry('b', fired), 60_000);
    vi.advanceTimersByTime(60_000);
    expect(fired.map((f) => f.split('@')[0])).toEqual(['a']);
    vi.advanceTimersByTime(60_000);
    expect(fired.map((f) => f.split('@')[0])).toEqual(['a', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
