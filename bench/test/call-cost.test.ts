import { describe, expect, it } from 'vitest';
import { type CallCostRow, callCostTasks } from '../call-cost.js';
import { perCallBesideReference } from '../report.js';

describe('the tasks of section 5c (cost per call over an in-memory transport)', () => {
  it('each resolves with the body of a successful read, so each figure is that of a success', async () => {
    for (const task of callCostTasks()) {
      const body = (await task.run()) as { status_code?: unknown; content?: { status?: unknown } };
      expect(body.status_code, task.name).toBe('2000');
      expect(body.content?.status, task.name).toBe('Success');
    }
  });

  it('compares every layer with a task of the list, its transport alone', () => {
    const tasks = callCostTasks();
    const names = new Set(tasks.map((t) => t.name));
    const layered = tasks.filter((t) => t.baseline !== undefined);
    expect(layered.map((t) => t.name)).toEqual([
      'createPortOneFetch over it',
      'fetch in a minimal wrapper, with a real timeout, handing back a Response, over it',
      'withPortOne(axios) over it',
    ]);
    for (const task of layered) expect(names.has(task.baseline as string), task.name).toBe(true);
  });
});

describe("section 1's line on the cost per call beside the reference", () => {
  const rows = (ours: number, reference: number): CallCostRow[] => [
    { task: 'in-memory fetch, JSON read', usPerCall: 1, spreadUs: 0.1, passes: 7 },
    {
      task: 'createPortOneFetch over it',
      usPerCall: 1 + ours,
      spreadUs: 0.1,
      passes: 7,
      baseline: 'in-memory fetch, JSON read',
      overheadUs: ours,
    },
    {
      task: 'fetch in a minimal wrapper, with a real timeout, handing back a Response, over it',
      reference: true,
      usPerCall: 1 + reference,
      spreadUs: 0.1,
      passes: 7,
      baseline: 'in-memory fetch, JSON read',
      overheadUs: reference,
    },
  ];

  it('gives both figures, and says when ours does no more work per call', () => {
    const line = perCallBesideReference(rows(1.15, 1.19));
    expect(line).toContain('adds 1.15 µs per call');
    expect(line).toContain('the reference with a real timeout 1.19 µs');
    expect(line).toContain('ours does no more work per call than the reference');
  });

  it('says how much more when ours does more', () => {
    const line = perCallBesideReference(rows(2.5, 1.0));
    expect(line).toContain('ours does 1.50 µs more work per call than the reference');
    expect(line).not.toContain('no more work');
  });

  it('says nothing without both rows', () => {
    expect(perCallBesideReference(rows(1, 1).slice(0, 2))).toBe('');
  });
});
