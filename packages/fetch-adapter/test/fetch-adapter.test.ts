import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { createEngine, PortOneSystemError } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST } from '../../../test/adapter-contract.js';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ validate: false });
});
afterEach(async () => {
  await sim.close();
});

/** A fetch that records the body text of every request it sends. */
function spyFetch() {
  const bodies: string[] = [];
  const fetchSpy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    // The attempts' bodies; a lookup (a GET) has none.
    if (request.method !== 'GET') bodies.push(await request.clone().text());
    return globalThis.fetch(request);
  };
  return { bodies, fetchSpy };
}

describe('replayable bodies', () => {
  // A create PortOne answered 5024: looked up by its order ref, not found, and sent again.
  const create = () => `${sim.url}/api/initiatePayment`;
  let refs = 0;
  const json = (ref: string) => `{"merchant_order_id":"${ref}","amount":10}`;
  const bodies: [string, (ref: string) => BodyInit, (ref: string) => string][] = [
    ['string', (ref) => json(ref), (ref) => json(ref)],
    [
      'URLSearchParams',
      (ref) => new URLSearchParams({ merchant_order_id: ref, amount: '10' }),
      (ref) => `merchant_order_id=${ref}&amount=10`,
    ],
    ['Blob', (ref) => new Blob([json(ref)]), (ref) => json(ref)],
    [
      'ArrayBuffer',
      (ref) => new TextEncoder().encode(json(ref)).buffer as ArrayBuffer,
      (ref) => json(ref),
    ],
  ];

  it.each(bodies)('re-sends a %s body identically', async (_name, body, text) => {
    const ref = `REPLAY-${++refs}`;
    sim.script('POST /api/initiatePayment', [{ code: 5024 }]);
    const { bodies: sent, fetchSpy } = spyFetch();
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, fetch: fetchSpy, policy: FAST });
    const res = await portoneFetch(create(), { method: 'POST', body: body(ref) });
    expect(res.status).toBe(200);
    expect(sent).toEqual([text(ref), text(ref)]);
    expect(sim.ledger.count(ref)).toBe(1);
  });

  it('re-sends a FormData body with the same fields', async () => {
    const ref = `REPLAY-${++refs}`;
    sim.script('POST /api/initiatePayment', [{ code: 5024 }]);
    const { bodies: sent, fetchSpy } = spyFetch();
    const form = new FormData();
    form.set('merchant_order_id', ref);
    form.set('amount', '10');
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, fetch: fetchSpy, policy: FAST });
    // The simulator reads no multipart body: what counts here is what was sent, twice.
    await portoneFetch(create(), { method: 'POST', body: form }).catch(() => undefined);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    for (const text of sent) expect(text).toContain('name="merchant_order_id"');
  });

  it('clones a Request input for each attempt', async () => {
    const ref = `REPLAY-${++refs}`;
    sim.script('POST /api/initiatePayment', [{ code: 5024 }]);
    const { bodies: sent, fetchSpy } = spyFetch();
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, fetch: fetchSpy, policy: FAST });
    const res = await portoneFetch(new Request(create(), { method: 'POST', body: json(ref) }));
    expect(res.status).toBe(200);
    expect(sent).toEqual([json(ref), json(ref)]);
  });

  it('rejects, never throws, when the request cannot be prepared (a Request whose body was read)', async () => {
    let sent = 0;
    const portoneFetch = createPortOneFetch({
      baseUrl: sim.url,
      fetch: async (input, init) => {
        sent++;
        return globalThis.fetch(input, init);
      },
    });
    const used = new Request(`${sim.url}/api/refund/PO-1`, {
      method: 'POST',
      body: '{"refund_amount":10}',
    });
    await used.text();
    let pending: Promise<Response> | undefined;
    expect(() => {
      pending = portoneFetch(used);
    }).not.toThrow();
    await expect(pending).rejects.toBeInstanceOf(TypeError);
    expect(sent).toBe(0);
  });

  it('does not retry a one-shot ReadableStream body, and says why', async () => {
    // A read PortOne serves by POST (the payouts list): retried as a read, were it replayable.
    const payouts = `${sim.url}/api/merchant/KEY-1/payouts`;
    sim.script('POST /api/merchant/*/payouts', [{ code: 5024 }]);
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, policy: FAST });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"refund_amount":10}'));
        controller.close();
      },
    });
    const error = await portoneFetch(payouts, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortOneSystemError);
    expect((error as Error).message).toContain('one-shot ReadableStream');
    expect(sim.requests('POST /api/merchant/*/payouts')).toBe(1);
  });

  it('finds the order ref in a form-encoded create', async () => {
    sim.script('POST /api/initiatePayment', [{ reset: 'after' }]);
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, policy: FAST });
    const res = await portoneFetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      body: JSON.stringify({ merchant_order_id: 'FORM-1', amount: 5 }),
    });
    expect(await res.json()).toMatchObject({ content: { status: 'Success' } });
    expect(sim.ledger.count('FORM-1')).toBe(1);
    expect(sim.requests('POST /api/initiatePayment')).toBe(1);
  });
});

describe('the Response', () => {
  it('resolves with the final Response, body unread', async () => {
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, policy: FAST });
    const res = await portoneFetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      body: JSON.stringify({ merchant_order_id: 'R-1' }),
    });
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toMatchObject({ is_success: true, merchant_order_ref: 'R-1' });
  });
});

describe('the Response served from the body already read', () => {
  const get = async () => {
    sim.ledger.create('B-1');
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url });
    return portoneFetch(`${sim.url}/api/transaction/B-1/status`);
  };

  it('reads once, as any Response: a second read rejects and bodyUsed turns true', async () => {
    const res = await get();
    expect(res).toBeInstanceOf(Response);
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toMatchObject({ content: { status: 'Success' } });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(() => res.clone()).toThrow(TypeError);
  });

  it('serves text, bytes, arrayBuffer and blob with the same content, and a readable stream', async () => {
    const text = await (await get()).text();
    expect(JSON.parse(text)).toMatchObject({ status_code: '2000' });
    expect(new TextDecoder().decode(await (await get()).arrayBuffer())).toBe(text);
    expect(await (await get()).blob().then((b) => b.text())).toBe(text);
    const streamed = await new Response((await get()).body).text();
    expect(streamed).toBe(text);
  });

  it('clones into independent bodies that never share a parsed object', async () => {
    const res = await get();
    const copy = res.clone();
    const a = (await res.json()) as Record<string, unknown>;
    const b = (await copy.json()) as Record<string, unknown>;
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
  });

  it('keeps status, statusText, ok, redirected, headers and url', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(res.ok).toBe(true);
    expect(res.redirected).toBe(false);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.url).toBe(`${sim.url}/api/transaction/B-1/status`);
    expect(Object.prototype.toString.call(res)).toBe('[object Response]');
  });

  it('inspects like a Response, and reads again through a clone before the first read', async () => {
    const res = await get();
    expect(inspect(res)).toMatch(/status: 200[\s\S]*bodyUsed: false/);
    const copy = res.clone();
    expect(await copy.text()).toBe(await res.text());
    expect(inspect(res)).toMatch(/bodyUsed: true/);
  });
});

describe('options', () => {
  it.each([
    [{ fetch: 5 }, 'fetch must be a function'],
    [{ baseUrl: 'api.portone.cloud' }, 'baseUrl'],
    [{ policy: { retries: -1 } }, 'policy.retries'],
    [{ checkStatus: 'no' }, 'checkStatus'],
    [{ retries: 3 }, 'retries is not an option'],
  ])('%j throws a TypeError naming it', (options, name) => {
    expect(() => createPortOneFetch(options as never)).toThrow(TypeError);
    expect(() => createPortOneFetch(options as never)).toThrow(name);
  });

  it('shares an engine between clients', () => {
    const engine = createEngine();
    expect(createPortOneFetch({ engine }).portone).toBe(engine);
  });

  it('uses a user-supplied status check', async () => {
    sim.script('POST /api/initiatePayment', [{ reset: 'after' }]);
    const looked: string[] = [];
    const portoneFetch = createPortOneFetch({
      baseUrl: sim.url,
      policy: FAST,
      checkStatus: (ref, { signal }) => {
        looked.push(ref);
        return fetch(`${sim.url}/api/transaction/${ref}/status`, { signal });
      },
    });
    await portoneFetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      body: JSON.stringify({ merchant_order_id: 'U-1' }),
    });
    expect(looked).toEqual(['U-1']);
  });
});

describe('runtime-agnostic', () => {
  const nodeBuiltins = new Set([
    ...builtinModules,
    ...builtinModules.map((name) => `node:${name}`),
  ]);
  const importsOf = (code: string) =>
    [...code.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)].map(
      (m) => m[1] as string,
    );

  it('the source imports nothing from Node and touches no Node global', () => {
    const dir = fileURLToPath(new URL('../src/', import.meta.url));
    for (const file of readdirSync(dir)) {
      const code = readFileSync(`${dir}${file}`, 'utf8');
      for (const specifier of importsOf(code))
        expect(nodeBuiltins.has(specifier), `${file}: ${specifier}`).toBe(false);
      expect(code).not.toMatch(/\b(Buffer|process|__dirname|require)\b/);
    }
  });

  // `pnpm test` builds first; run alone without a build, this fails rather than skips.
  it('the built bundle (and core’s, which it imports) imports nothing from Node', () => {
    const dist = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const core = dist('../../core/dist/');
    const bundles = [
      dist('../dist/index.js'),
      ...readdirSync(core)
        .filter((file) => file.endsWith('.js') && file !== 'bin.js')
        .map((file) => `${core}${file}`),
    ];
    for (const path of bundles) {
      expect(existsSync(path), `${path} is missing: run pnpm build`).toBe(true);
      const specifiers = importsOf(readFileSync(path, 'utf8'));
      expect(specifiers.filter((s) => nodeBuiltins.has(s))).toEqual([]);
    }
  });
});

describe('paths and base URL', () => {
  it('resolves a path against baseUrl, keeping its own path prefix', async () => {
    sim.ledger.create('P-1');
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, policy: FAST });
    const res = await portoneFetch('/api/transaction/P-1/status');
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${sim.url}/api/transaction/P-1/status`);
    expect(res.portone).toMatchObject({ settledBy: 'answer', attempts: 1 });
    expect(sim.requests('GET /api/transaction/P-1/status')).toBe(1);
  });
});

describe('attempt signals', () => {
  const status = () => `${sim.url}/api/transaction/S-1/status`;
  /** A fetch that records the signal each attempt was given. */
  function signalSpy() {
    const signals: (AbortSignal | undefined)[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      signals.push(init?.signal ?? undefined);
      return globalThis.fetch(input, init);
    };
    return { signals, fetchSpy };
  }

  it("gives each attempt a signal of the engine's, which the caller's abort cancels", async () => {
    sim.ledger.create('S-1');
    sim.script('GET /api/transaction/S-1/status', [{ code: 5024 }, { code: 2000, delayMs: 500 }]);
    const { signals, fetchSpy } = signalSpy();
    const portoneFetch = createPortOneFetch({ baseUrl: sim.url, fetch: fetchSpy, policy: FAST });
    const caller = new AbortController();
    const call = portoneFetch(status(), { signal: caller.signal });
    await expect.poll(() => signals.length).toBe(2);
    caller.abort(new Error('customer left'));
    await expect(call).rejects.toMatchObject({ name: 'PortOneAbortError' });
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]).not.toBe(caller.signal);
    expect(signals[1]).not.toBe(caller.signal);
    expect(signals[1]?.aborted).toBe(true);
    expect(signals[1]?.reason).toMatchObject({ why: 'caller' });
  });

  it('aborts the attempt that passes its timeout on the wire, and sends again', async () => {
    sim.ledger.create('S-1');
    sim.script('GET /api/transaction/S-1/status', [{ code: 2000, delayMs: 1000 }]);
    const { signals, fetchSpy } = signalSpy();
    const portoneFetch = createPortOneFetch({
      baseUrl: sim.url,
      fetch: fetchSpy,
      policy: { ...FAST, attemptTimeoutMs: 50 },
    });
    expect((await portoneFetch(status())).status).toBe(200);
    expect(signals).toHaveLength(2);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toMatchObject({ name: 'AttemptTimeout' });
    expect(signals[1]?.aborted).toBe(false);
  });
});
