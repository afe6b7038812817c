import { withPortOne } from '@portone-retry/axios-adapter';
import * as core from '@portone-retry/core';
import {
  createEngine,
  createPolicy,
  type Engine,
  type FailureEvent,
  isPortOneError,
  type PortOneError,
  type PortOneEvents,
  type RetryEvent,
  type Settlement,
  type SuccessEvent,
} from '@portone-retry/core';
import { createPortOneFetch, type PortOneResponse } from '@portone-retry/fetch-adapter';
import axios, { type AxiosResponse } from 'axios';
import { describe, expectTypeOf, it } from 'vitest';

describe('the public shapes', () => {
  it('types every listener by its event, and on() returns the unsubscribe', () => {
    const engine = createEngine();
    const off = engine.on('retry', (event) => {
      expectTypeOf(event).toEqualTypeOf<RetryEvent>();
      expectTypeOf(event.delayMs).toBeNumber();
      expectTypeOf(event.error).toEqualTypeOf<PortOneError>();
    });
    expectTypeOf(off).toEqualTypeOf<() => void>();
    engine.on('success', (event) => {
      expectTypeOf(event).toEqualTypeOf<SuccessEvent>();
      expectTypeOf(event.settledBy).toEqualTypeOf<'answer' | 'lookup' | 'poll' | 'webhook'>();
    });
    engine.on('failure', (event) => expectTypeOf(event).toEqualTypeOf<FailureEvent>());
    // @ts-expect-error: no such event
    engine.on('retried', () => {});
    expectTypeOf<keyof PortOneEvents>().toEqualTypeOf<
      | 'attempt'
      | 'response'
      | 'lookup'
      | 'retry'
      | 'poll'
      | 'reconcile'
      | 'success'
      | 'failure'
      | 'surface'
      | 'budget'
      | 'circuit'
      | 'store'
      | 'journal'
      | 'error'
    >();
  });

  it('narrows with isPortOneError and settles by order ref', () => {
    const value: unknown = new Error('x');
    if (isPortOneError(value)) expectTypeOf(value.retryable).toBeBoolean();
    expectTypeOf<Engine['settle']>().parameters.toEqualTypeOf<
      [string, 'Success' | 'Failed' | 'Pending' | 'Expired']
    >();
    // @ts-expect-error: a policy option is checked by name
    createPolicy({ retry: 3 });
  });

  it('puts the settlement on both adapters’ responses', () => {
    const instance = withPortOne(axios.create());
    expectTypeOf(instance.portone).toEqualTypeOf<Engine>();
    expectTypeOf<AxiosResponse['portone']>().toEqualTypeOf<Settlement | undefined>();
    const portoneFetch = createPortOneFetch();
    expectTypeOf(portoneFetch).returns.resolves.toEqualTypeOf<PortOneResponse>();
    expectTypeOf<PortOneResponse['portone']>().toEqualTypeOf<Settlement | undefined>();
  });

  it('keeps adapter plumbing out of the main entry', () => {
    // @ts-expect-error: the adapter toolkit lives at @portone-retry/core/adapter
    core.resolveAdapterOptions;
    // @ts-expect-error: internal
    core.decide;
  });
});
