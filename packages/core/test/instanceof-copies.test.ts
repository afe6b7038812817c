// An app that imports core as ESM while one of its dependencies requires it as CommonJS loads two
// copies of every error class. `error instanceof PortOneCardError` must hold for an error from
// either copy, or the README's headline pattern re-throws a card decline instead of showing it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as source from '../src/errors/index.js';

type Errors = typeof source;

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

/** One error of each SDK class, built by `lib`. */
function oneOfEach(lib: Errors) {
  const init = { message: 'x', series: 'system' as const, outcome: 'fail' as const, attempts: 1 };
  return {
    PortOneError: new lib.PortOneError(init),
    PortOneValidationError: new lib.PortOneValidationError(init),
    PortOneAuthenticationError: new lib.PortOneAuthenticationError(init),
    PortOneSystemError: new lib.PortOneSystemError(init),
    PortOneCardError: new lib.PortOneCardError({ ...init, customerMessage: 'Try another card.' }),
    PortOneUnknownError: new lib.PortOneUnknownError(init),
    PortOnePspError: new lib.PortOnePspError(init),
    PortOneNetworkError: new lib.PortOneNetworkError({
      ...init,
      ambiguous: true,
      transport: 'ambiguous',
    }),
    PortOneTimeoutError: new lib.PortOneTimeoutError({ ...init, phase: 'attempt' }),
    PortOnePendingTimeoutError: new lib.PortOnePendingTimeoutError({ ...init, elapsedMs: 1 }),
    PortOneAbortError: new lib.PortOneAbortError(init),
    PortOneCircuitOpenError: new lib.PortOneCircuitOpenError({ ...init, key: 'k' }),
    PortOneWebhookError: new lib.PortOneWebhookError('signature', 'forged'),
  } satisfies Record<keyof Errors['ERROR_CLASSES'], unknown>;
}

/** Every (class, error) pair across two copies: instanceof holds exactly for the same name or the base. */
function expectInstanceofAcross(classes: Errors, errors: Errors) {
  // Every class by name, as the package exports them (the built entry exports no ERROR_CLASSES).
  const names = Object.keys(source.ERROR_CLASSES) as (keyof Errors['ERROR_CLASSES'])[];
  expect(names).toHaveLength(13);
  const made = oneOfEach(errors);
  for (const className of names) {
    const Class = classes[className];
    for (const errorName of names) {
      const expected = className === 'PortOneError' || className === errorName;
      expect(made[errorName] instanceof Class, `${errorName} instanceof ${className}`).toBe(
        expected,
      );
    }
  }
  expect(new Error('x') instanceof classes.PortOneError).toBe(false);
  expect((null as unknown as object) instanceof classes.PortOneError).toBe(false);
  // A look-alike without the brand is not taken for one.
  const lookAlike = Object.assign(new Error('x'), { name: 'PortOneCardError' });
  expect(lookAlike instanceof classes.PortOneCardError).toBe(false);
}

describe('instanceof across copies of core', () => {
  it('holds between two module instances of the sources, class by class', async () => {
    vi.resetModules();
    const copy = (await import('../src/errors/index.js')) as Errors;
    expect(copy.PortOneCardError).not.toBe(source.PortOneCardError);
    expectInstanceofAcross(source, copy);
    expectInstanceofAcross(copy, source);
    expectInstanceofAcross(source, source);
  });

  it("narrows in TypeScript and leaves a user's own subclass to the prototype check", () => {
    class CheckoutDecline extends source.PortOneCardError {}
    const plain = oneOfEach(source).PortOneCardError;
    const own = new CheckoutDecline({
      message: 'x',
      series: 'card',
      outcome: 'surface',
      attempts: 1,
      customerMessage: 'Try another card.',
    });
    expect(plain instanceof CheckoutDecline).toBe(false);
    expect(own instanceof CheckoutDecline).toBe(true);
    expect(own instanceof source.PortOneCardError).toBe(true);
    const caught: unknown = own;
    if (caught instanceof source.PortOneCardError)
      expect(caught.customerMessage).toBeTypeOf('string');
    else expect.unreachable();
  });

  describe('the built CommonJS and ESM files, loaded in one process', () => {
    let cjs: Errors;
    let esm: Errors;
    beforeAll(async () => {
      // CI builds before it tests; a missing build fails here rather than skipping.
      for (const file of ['index.cjs', 'index.js']) {
        expect(existsSync(dist(file)), `packages/core/dist/${file} (run pnpm build)`).toBe(true);
      }
      cjs = createRequire(import.meta.url)(dist('index.cjs')) as Errors;
      esm = (await import(/* @vite-ignore */ dist('index.js'))) as Errors;
    });

    it('are two copies', () => {
      expect(cjs.PortOneCardError).not.toBe(esm.PortOneCardError);
    });

    it('recognise each other, class by class', () => {
      expectInstanceofAcross(esm, cjs);
      expectInstanceofAcross(cjs, esm);
    });
  });
});
