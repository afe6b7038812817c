import { createHook } from 'node:async_hooks';

/**
 * Promises created per call of `call`, counted with an async hook: the fewest over `runs` runs of
 * `calls` calls, after one warm-up call. Deterministic where timings are not: every promise is an
 * allocation and a hop of the microtask queue (and, in an app with AsyncLocalStorage or tracing,
 * a hook call).
 */
export async function promisesPerCall(
  call: () => Promise<unknown>,
  { calls = 20, runs = 3 }: { calls?: number; runs?: number } = {},
): Promise<number> {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') count++;
    },
  });
  await call();
  let fewest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    count = 0;
    hook.enable();
    try {
      for (let i = 0; i < calls; i++) await call();
    } finally {
      hook.disable();
    }
    fewest = Math.min(fewest, count / calls);
  }
  return fewest;
}
