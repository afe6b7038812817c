import { createEngine, PortOneError } from '@portone-retry/core';
import { describe, expect, it } from 'vitest';
import {
  engineProbe,
  happyClients,
  minimalResponseWrapper,
  pairableClients,
  probeClients,
} from '../clients.js';

const answer = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the minimal wrapper with a real timeout (a reference row of section 1)', () => {
  it('hands back a Response over the body it read', async () => {
    const body = { status_code: '2000', content: { status: 'Success' } };
    const response = await minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () =>
      answer(body),
    );
    expect(response).toBeInstanceOf(Response);
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(body);
  });

  it('rejects a PortOne error code in a 200 and an HTTP error', async () => {
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () =>
        answer({ status_code: '5024' }),
      ),
    ).rejects.toThrow('HTTP 200');
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () => answer({}, 502)),
    ).rejects.toThrow('HTTP 502');
  });

  it('abandons a fetch that never answers when its timer fires', async () => {
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 5, () => new Promise<Response>(() => {})),
    ).rejects.toThrow('timed out');
  });

  it('rejects with the transport error, and with a body that is no JSON', async () => {
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () => {
        throw new TypeError('fetch failed');
      }),
    ).rejects.toThrow('fetch failed');
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () => new Response('<html>')),
    ).rejects.toThrow(SyntaxError);
  });
});

describe('the engine probe (a client for bench:pair only)', () => {
  const url = 'http://127.0.0.1:9/api/transaction/r/status';
  const fastEngine = () => createEngine({ policy: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } });

  it('hands back a Response over the body the engine classified', async () => {
    const body = { status_code: '2000', content: { status: 'Success' } };
    const response = await engineProbe(fastEngine(), url, async () => answer(body));
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(body);
  });

  it('runs in the engine: a system error is retried, a decline fails typed', async () => {
    const engine = fastEngine();
    const retried: number[] = [];
    engine.on('retry', (event) => retried.push(event.attempt));
    const answers = [answer({ status_code: '5024' }), answer({ status_code: '2000' })];
    let sent = 0;
    const response = await engineProbe(engine, url, async () => answers[sent++] as Response);
    expect(sent).toBe(2);
    expect(retried).toEqual([1]);
    expect(await response.json()).toEqual({ status_code: '2000' });

    await expect(
      engineProbe(fastEngine(), url, async () => answer({ status_code: '4001' }, 400)),
    ).rejects.toBeInstanceOf(PortOneError);
  });

  it('is offered to bench:pair, not to section 1', () => {
    const probes = probeClients('http://127.0.0.1:9', 'r').map((c) => c.name);
    expect(probes).toEqual(['probe: the engine with the least operation']);
    const section1 = happyClients('http://127.0.0.1:9', 'r').map((c) => c.name);
    expect(section1.some((name) => probes.includes(name))).toBe(false);
    const pairable = pairableClients('http://127.0.0.1:9', 'r').map((c) => c.name);
    expect(pairable).toEqual([...section1, ...probes]);
  });
});
