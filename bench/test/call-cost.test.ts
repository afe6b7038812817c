import { describe, expect, it } from 'vitest';
import { callCostTasks } from '../call-cost.js';

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
