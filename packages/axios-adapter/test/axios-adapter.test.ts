import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { withPortOne } from '@portone-retry/axios-adapter';
import {
  createEngine,
  isPortOneError,
  PortOneCardError,
  PortOneSystemError,
} from '@portone-retry/core';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAST } from '../../../test/adapter-contract.js';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ validate: false });
});
afterEach(async () => {
  await sim.close();
});

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrZXkifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('interceptors', () => {
  it('runs the user’s interceptors once per call while retries re-send the same config', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), { policy: FAST });
    const seen: string[] = [];
    client.interceptors.request.use((config) => {
      seen.push('request');
      config.headers.set('x-trace-id', 'trace-1');
      return config;
    });
    client.interceptors.response.use((response) => {
      seen.push(`response ${response.status}`);
      return response;
    });
    sim.script('GET /api/transaction/*/status', [{ code: 5024 }, { code: 5024 }]);
    sim.ledger.create('R-1');
    const res = await client.get('/api/transaction/R-1/status');
    expect(res.data).toMatchObject({ content: { status: 'Success' } });
    expect(seen).toEqual(['request', 'response 200']);
    expect(sim.requests('GET /api/transaction/R-1/status')).toBe(3);
  });

  it('hands the PortOneError to the user’s error interceptor', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), { policy: FAST });
    const seen: unknown[] = [];
    client.interceptors.response.use(undefined, (error: unknown) => {
      seen.push(error);
      return Promise.reject(error);
    });
    sim.script('POST /api/initiatePayment', [{ code: 6014 }]);
    await expect(
      client.post('/api/initiatePayment', { merchant_order_id: 'C-1' }),
    ).rejects.toBeInstanceOf(PortOneCardError);
    expect(seen).toHaveLength(1);
    expect(isPortOneError(seen[0])).toBe(true);
  });
});

describe('errors', () => {
  it('keeps the AxiosError as cause, with credentials and body redacted everywhere it shows', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), { policy: FAST });
    sim.script('POST /api/initiatePayment', [{ code: 6014 }]);
    const error = await client
      .post(
        '/api/initiatePayment',
        {
          merchant_order_id: 'C-2',
          key: 'merchant-key-123',
          signature_hash: 'c2lnbmF0dXJl',
          amount: 1,
        },
        { headers: { Authorization: `Bearer ${JWT}`, 'X-Portone-Client-Key': 'merchant-key-123' } },
      )
      .then(
        () => {
          throw new Error('expected a decline');
        },
        (e: unknown) => e as PortOneCardError,
      );
    expect(error.cause).toBeInstanceOf(AxiosError);
    const cause = error.cause as AxiosError;
    expect(cause.response?.status).toBe(400);
    // The code axios itself gives a 4xx it rejects, not a fixed one.
    expect(cause.code).toBe('ERR_BAD_REQUEST');
    for (const text of [
      inspect(error, { depth: 10 }),
      inspect(cause, { depth: 10 }),
      JSON.stringify(error),
      JSON.stringify(cause.config),
    ]) {
      expect(text).not.toContain(JWT);
      expect(text).not.toContain('merchant-key-123');
      expect(text).not.toContain('c2lnbmF0dXJl');
    }
  });

  it('keeps the original transport AxiosError as cause of a network failure', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), {
      policy: { ...FAST, retries: 0 },
    });
    sim.script('GET /api/transaction/*/status', [{ reset: 'before' }]);
    const error = await client.get('/api/transaction/X/status').then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(isPortOneError(error)).toBe(true);
    expect(error.cause).toBeInstanceOf(AxiosError);
  });

  it('turns a 2xx answer that carries an error code into an error', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), {
      policy: { ...FAST, retries: 0 },
    });
    sim.script('GET /api/transaction/*/status', [{ code: 5000, http: 200 }]);
    await expect(client.get('/api/transaction/X/status')).rejects.toBeInstanceOf(
      PortOneSystemError,
    );
  });
});

describe('the JSON body', () => {
  const read = (client: AxiosInstance) => {
    sim.ledger.create('R-JSON');
    return client.get('/api/transaction/R-JSON/status');
  };

  it('arrives parsed as plain axios gives it', async () => {
    const plain = await read(axios.create({ baseURL: sim.url }));
    const ours = await read(withPortOne(axios.create({ baseURL: sim.url })));
    expect(ours.data).toEqual(plain.data);
    expect(ours.data).toMatchObject({ status_code: '2000', content: { status: 'Success' } });
  });

  it('reaches a transform of the user’s own as text, as it would without the adapter', async () => {
    const seen: unknown[] = [];
    const client = withPortOne(
      axios.create({
        baseURL: sim.url,
        transformResponse: [
          (data: unknown) => {
            seen.push(typeof data);
            return typeof data === 'string' ? `text:${data.length}` : data;
          },
        ],
      }),
    );
    const res = await read(client);
    expect(seen).toEqual(['string']);
    expect(res.data).toMatch(/^text:\d+$/);
  });

  it('honours parseReviver, forcedJSONParsing: false and responseType: "text"', async () => {
    const revived = withPortOne(
      axios.create({
        baseURL: sim.url,
        parseReviver: (key: string, value: unknown) => (key === 'status_code' ? 'revived' : value),
      } as Parameters<typeof axios.create>[0]),
    );
    expect((await read(revived)).data).toMatchObject({ status_code: 'revived' });
    const unforced = withPortOne(
      axios.create({ baseURL: sim.url, transitional: { forcedJSONParsing: false } }),
    );
    expect(typeof (await read(unforced)).data).toBe('string');
    const text = withPortOne(axios.create({ baseURL: sim.url, responseType: 'text' }));
    expect(typeof (await read(text)).data).toBe('string');
  });
});

describe('cancellation', () => {
  it('marks a caller’s abort as an axios cancel, and no other failure', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), { policy: FAST });
    sim.ledger.create('R-ABORT');
    sim.script('GET /api/transaction/R-ABORT/status', [{ code: 2000, delayMs: 2000 }]);
    const controller = new AbortController();
    const pending = client.get('/api/transaction/R-ABORT/status', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const aborted = await pending.catch((error: unknown) => error);
    expect(isPortOneError(aborted) && aborted.name).toBe('PortOneAbortError');
    expect(axios.isCancel(aborted)).toBe(true);

    sim.script('POST /api/initiatePayment', [{ code: 6014 }]);
    const declined = await client
      .post('/api/initiatePayment', { merchant_order_id: 'C-ABORT' })
      .catch((error: unknown) => error);
    expect(declined).toBeInstanceOf(PortOneCardError);
    expect(axios.isCancel(declined)).toBe(false);
  });
});

describe('attempt timeouts', () => {
  it('cancels an attempt past its timeout on the wire, through axios’s own adapter', async () => {
    // A server of its own: the first request hangs, and the test sees its connection close.
    const closedUnanswered: number[] = [];
    let served = 0;
    const server = createServer((_req, res) => {
      served++;
      if (served === 1) {
        res.on('close', () => {
          if (!res.writableEnded) closedUnanswered.push(Date.now());
        });
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ status_code: '2000', content: { status: 'Success', order_ref: 'W-1' } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = withPortOne(axios.create({ baseURL: `http://127.0.0.1:${port}` }), {
        policy: { ...FAST, attemptTimeoutMs: 100 },
      });
      const res = await client.get('/api/transaction/W-1/status');
      expect(res.status).toBe(200);
      expect(served).toBe(2);
      // The hung request was aborted by the client, not left to the server.
      await vi.waitFor(() => expect(closedUnanswered).toHaveLength(1), { timeout: 2000 });
      // axios's own timer was not used: the engine timed the attempt.
      expect(res.config.timeout).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ['axios’s own adapter', undefined],
    ['an adapter of the user’s own', 'own' as const],
  ])(
    'rejects with the timeout, not an axios cancel, when a caller’s signal is set (%s)',
    async (_, which) => {
      const instance = axios.create({ baseURL: sim.url });
      if (which === 'own') {
        const http = axios.getAdapter('http');
        instance.defaults.adapter = (config) => http(config);
      }
      const client = withPortOne(instance, {
        policy: { ...FAST, attemptTimeoutMs: 50, retries: 1 },
      });
      sim.ledger.create('W-2');
      sim.script('GET /api/transaction/*/status', [{ delayMs: 400 }, { delayMs: 400 }]);
      const controller = new AbortController();
      const error = await client
        .get('/api/transaction/W-2/status', { signal: controller.signal })
        .catch((e: unknown) => e);
      expect(isPortOneError(error) && error.name).toBe('PortOneTimeoutError');
      expect(axios.isCancel(error)).toBe(false);
      expect(sim.requests('GET /api/transaction/W-2/status')).toBe(2);
    },
  );

  it('treats `signal: null` as no signal: an adapter of the user’s own gets the attempt’s signal', async () => {
    const http = axios.getAdapter('http');
    const seen: { signal: unknown; timeout: unknown }[] = [];
    const instance = axios.create({ baseURL: sim.url });
    instance.defaults.adapter = (config) => {
      seen.push({ signal: config.signal, timeout: config.timeout });
      return http(config);
    };
    const client = withPortOne(instance, { policy: { ...FAST, attemptTimeoutMs: 1500 } });
    sim.ledger.create('W-4');
    const res = await client.get('/api/transaction/W-4/status', { signal: null as never });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
    expect((seen[0] as { signal: AbortSignal }).signal.aborted).toBe(false);
    expect(seen[0]?.timeout).toBe(0);
  });

  it('resolves a create whose attempt timed out and was then found by its order ref', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), {
      policy: { ...FAST, attemptTimeoutMs: 50 },
    });
    sim.script('POST /api/initiatePayment', [{ delayMs: 300 }]);
    const res = await client.post('/api/initiatePayment', { merchant_order_id: 'W-3' });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ content: { status: 'Success' } });
    expect(sim.requests('POST /api/initiatePayment')).toBe(1);
    expect(sim.ledger.count('W-3')).toBe(1);
  });
});

describe('options', () => {
  it('matches the instance’s own baseURL by default', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url }), { policy: FAST });
    sim.script('POST /api/initiatePayment', [{ code: 4001 }]);
    await expect(client.post('/api/initiatePayment', {})).rejects.toSatisfy(isPortOneError);
  });

  it('passes other hosts through, however they answer', async () => {
    const client = withPortOne(axios.create(), {
      policy: FAST,
      baseUrl: 'https://api.portone.cloud',
    });
    sim.script('POST /api/initiatePayment', [{ code: 5024 }]);
    const error = await client
      .post(`${sim.url}/api/initiatePayment`, { merchant_order_id: 'P-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect(sim.requests('POST /api/initiatePayment')).toBe(1);
  });

  it('shares an engine and refuses to wrap twice', () => {
    const engine = createEngine();
    const instance = axios.create();
    expect(withPortOne(instance, engine).portone).toBe(engine);
    expect(() => withPortOne(instance)).toThrow('already wrapped');
  });

  it.each([
    [{ baseUrl: 5 }, 'baseUrl'],
    [{ policy: { series: { nope: {} } } }, 'policy.series.nope'],
    [{ engine: {} }, 'engine must be an engine'],
    [{ retries: 2 }, 'retries is not an option'],
  ])('%j throws a TypeError naming it', (options, name) => {
    expect(() => withPortOne(axios.create(), options as never)).toThrow(TypeError);
    expect(() => withPortOne(axios.create(), options as never)).toThrow(name);
  });

  it('rejects something that is not an axios instance', () => {
    expect(() => withPortOne({} as never)).toThrow('instance must be an axios instance');
  });

  it('maps the config’s timeout to the per-attempt timeout', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url, timeout: 50 }), { policy: FAST });
    sim.ledger.create('T-1');
    sim.script('GET /api/transaction/*/status', [{ delayMs: 500 }]);
    const res = await client.get('/api/transaction/T-1/status');
    expect(res.status).toBe(200);
    expect(sim.requests('GET /api/transaction/T-1/status')).toBe(2);
  });

  it('takes an axios timeout as the attempt timeout, and refuses a bad one naming the option', async () => {
    const client = withPortOne(axios.create({ baseURL: sim.url, timeout: 50 }), { policy: FAST });
    sim.script('GET /api/transaction/T-2/status', [{ delayMs: 300 }]);
    sim.ledger.create('T-2');
    const seen: number[] = [];
    client.portone.on('retry', (e) => seen.push(e.attempt));
    const res = await client.get('/api/transaction/T-2/status');
    expect(res.status).toBe(200);
    expect(seen).toEqual([1]);
    await expect(client.get('/api/transaction/T-2/status', { timeout: -1 })).rejects.toThrow(
      'attemptTimeoutMs',
    );
  });
});

describe('axios transforms never replace a PortOneError', () => {
  it('a proxy HTML 503 with responseType json and silentJSONParsing off still rejects as PortOneError', async () => {
    sim.script('GET /api/transaction/*/status', [
      { html: 503 },
      { html: 503 },
      { html: 503 },
      { html: 503 },
    ]);
    const client = withPortOne(
      axios.create({
        baseURL: sim.url,
        responseType: 'json',
        transitional: {
          silentJSONParsing: false,
          forcedJSONParsing: true,
          clarifyTimeoutError: false,
        },
      }),
      { policy: FAST },
    );
    const error = await client.get('/api/transaction/H-1/status').catch((e: unknown) => e);
    expect(isPortOneError(error)).toBe(true);
    expect((error as { httpStatus?: number }).httpStatus).toBe(503);
  });
});
