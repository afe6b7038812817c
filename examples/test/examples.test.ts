import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createEngine } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckout } from '../axios-checkout.js';
import { instrument, Metrics } from '../events-metrics.js';
import { payHandler } from '../express-handler.js';
import { createPaymentLinks } from '../fetch-checkout.js';
import { createClient, policy } from '../policy-overrides.js';
import { MERCHANT, paymentRequest } from '../signing.js';
import { webhookStory } from '../webhook-node-http.js';

let sim: Simulator;
beforeEach(async () => {
  // Validates and verifies requests as PortOne does, with the examples' merchant key and secret.
  sim = await startSimulator({ signatures: MERCHANT });
});
afterEach(async () => {
  await sim.close();
});

describe('examples run against the simulator', () => {
  it('axios-checkout: pays once through a hiccup and turns a decline into a message', async () => {
    const pay = createCheckout(sim.url);
    sim.script('POST /api/initiatePayment', [{ code: 5024 }]);
    expect(await pay({ id: 'O-1', amount: 100, currency: 'KRW' })).toMatchObject({ ok: true });
    expect(sim.ledger.count('O-1')).toBe(1);
    sim.script('POST /api/initiatePayment', [{ code: 6013 }]);
    expect(await pay({ id: 'O-2', amount: 100, currency: 'KRW' })).toEqual({
      ok: false,
      message: 'Your card has expired. Please use a different card.',
    });
  });

  // PortOne holds a payment link under its link status, not the transaction status: the engine
  // looks the link up there, and the created link is followed, not made twice.
  it('fetch-checkout: a dropped connection after creation is looked up, not duplicated', async () => {
    const createLink = createPaymentLinks(sim.url);
    sim.script('POST /api/paymentLink', [{ reset: 'after' }]);
    expect(await createLink('L-1', 100)).toMatchObject({ settledBy: 'lookup' });
    expect(sim.ledger.count('L-1')).toBe(1);
    expect(sim.requests('POST /api/paymentLink')).toBe(1);
  });

  it('events-metrics: counters and histogram add up with what the server saw', async () => {
    const engine = createEngine({ policy: { minDelayMs: 1, maxDelayMs: 5 } });
    const metrics = new Metrics();
    const logs: string[] = [];
    const off = instrument(engine, metrics, (line) => logs.push(line));
    const portoneFetch = createPortOneFetch({ engine, baseUrl: sim.url });
    sim.setFaults({ rate: 0.3, code: 5024, seed: 7 });
    for (let i = 0; i < 20; i++) {
      await portoneFetch(`${sim.url}/api/initiatePayment`, {
        method: 'POST',
        body: JSON.stringify(await paymentRequest({ id: `M-${i}`, amount: 100, currency: 'KRW' })),
      }).catch(() => undefined);
    }
    off();
    const sum = (prefix: string) =>
      [...metrics.counters].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
    expect(sum('portone_attempts_total')).toBe(sim.requests('POST /api/initiatePayment'));
    expect(sum('portone_calls_total')).toBe(20);
    expect([...metrics.histogram.values()].reduce((a, b) => a + b, 0)).toBe(20);
    expect(sum('portone_retries_total')).toBeGreaterThan(0);
    expect(logs.some((line) => line.includes('portone retry'))).toBe(true);
    expect(sim.ledger.duplicates()).toEqual([]);
  });

  it('policy-overrides: the overrides hold and the custom message reaches the customer', async () => {
    expect(policy.settings.retries).toBe(4);
    const client = createClient(sim.url);
    sim.script('POST /api/initiatePayment', [{ code: 6014 }]);
    const error = await client
      .post(
        '/api/initiatePayment',
        await paymentRequest({ id: 'P-1', amount: 100, currency: 'KRW' }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      customerMessage: 'Your card was declined. Try another card or pay by bank transfer.',
    });
  });

  it('express-handler: 200 when paid, 402 with the customer message on a decline', async () => {
    const handler = payHandler(sim.url);
    const call = async (orderId: string) => {
      const out: { status?: number; body?: unknown } = {};
      const res = {
        writeHead(status: number) {
          out.status = status;
          return this;
        },
        end(text: string) {
          out.body = JSON.parse(text);
        },
      };
      await handler({ body: { orderId, amount: 100 } }, res as never);
      return out;
    };
    expect(await call('H-1')).toMatchObject({ status: 200, body: { paid: true } });
    sim.script('POST /api/initiatePayment', [{ code: 6015 }]);
    expect(await call('H-2')).toEqual({
      status: 402,
      body: { message: 'Your card is blocked. Please contact your bank or use a different card.' },
    });
  });
});

describe('webhook-node-http', () => {
  it('applies the webhook once, answers the resend 200 and the forgery 401', async () => {
    const lines: string[] = [];
    expect(await webhookStory((line) => lines.push(line))).toEqual({
      status: 'Success',
      resend: 200,
      forged: 401,
    });
    expect(lines).toHaveLength(3);
  });
});

describe('pnpm demo', () => {
  it('tells the checkout story and exits 0, with --json giving one event per line', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, ['examples/demo.ts', '--json'], {
      cwd: root,
      timeout: 60_000,
    });
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const of = (scene: string, event: string) =>
      events.filter((e) => String(e.scene).startsWith(scene) && e.event === event);
    expect(of('A clean payment', 'success')).toHaveLength(1);
    expect(of('A PSP hiccup', 'retry')).toHaveLength(2);
    expect(of('A pending payment', 'poll').length).toBeGreaterThan(0);
    // PortOne's signed webhook settles the payment before the next poll: no status lookup.
    expect(of('A pending payment settled', 'success')[0]).toMatchObject({ settledBy: 'webhook' });
    expect(of('A pending payment settled', 'lookup')).toHaveLength(0);
    expect(of('A card declined', 'surface')).toHaveLength(1);
    expect(of('A validation error', 'attempt')).toHaveLength(1);
    expect(of('The connection drops', 'reconcile')[0]).toMatchObject({
      found: true,
      action: 'follow',
    });
    for (const event of events) expect(JSON.stringify(event)).not.toMatch(/Bearer|signature_hash/);
  }, 60_000);

  const demo = (...args: string[]) =>
    spawn(tsx, ['examples/demo.ts', ...args], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { ...process.env, NO_COLOR: '1' },
    });
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const collect = (stream: NodeJS.ReadableStream) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    return () => text;
  };

  it('says its waits are shortened, and sums up in one vocabulary', async () => {
    const child = demo();
    const out = collect(child.stdout);
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(0);
    const text = out();
    expect(text.split('\n')[0]).toMatch(/^Waits shortened for the demo: policy \{"minDelayMs":20,/);
    const summary = text.slice(text.indexOf('\nSummary'));
    // A row's cells are separated by two spaces or more; the outcome is the second cell.
    const outcome = (scene: string) =>
      summary
        .split('\n')
        .find((line) => line.trim().startsWith(scene))
        ?.trim()
        .split(/ {2,}/)[1];
    expect(outcome('A clean payment')).toBe('paid');
    expect(outcome('A PSP hiccup')).toBe('paid');
    expect(outcome('A pending payment')).toBe('paid');
    expect(outcome('A card declined')).toBe('declined: customer told');
    expect(outcome('A validation error')).toBe('failed: validation');
    expect(outcome('The connection drops')).toBe('paid');
    expect(summary).toContain('no customer charged twice');
    // The engine's terms stay out of the story: no class names, no raw reasons.
    expect(text).not.toMatch(/transport ambiguous|paid \(|PortOne\w*Error →/);
    expect(text).toMatch(
      /reconcile ORDER-\d+: PortOne has it \(Success\) → follow it, do not re-send/,
    );
  }, 60_000);

  it('keeps --json stdout pure and stops quietly when the reader closes the pipe', async () => {
    const child = demo('--json');
    const err = collect(child.stderr);
    let first = '';
    child.stdout.setEncoding('utf8');
    // As `| head -1` does: read the first line, then close the pipe.
    for await (const chunk of child.stdout) {
      first += chunk as string;
      if (first.includes('\n')) break;
    }
    child.stdout.destroy();
    const [code] = (await once(child, 'close')) as [number];
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ event: 'attempt' });
    expect(err()).not.toMatch(/EPIPE|Error/);
    expect(err()).toMatch(/^Waits shortened for the demo/);
    expect(code).toBe(0);
  }, 60_000);
});

describe('examples/opentelemetry.ts', () => {
  it('prints a call span per payment to the console, with attempts, polls and metrics', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, ['examples/opentelemetry.ts'], {
      cwd: root,
      timeout: 60_000,
    });
    const spansNamed = (name: RegExp) => stdout.match(name)?.length ?? 0;
    // Four payments: a span each, named by operation (catalogue id, or method and template).
    expect(
      spansNamed(/^ {2}name: 'portone (initiatePayment|POST \/api\/initiatePayment)',$/gm),
    ).toBe(4);
    // 5024 twice then paid (3), a decline (1), pending then paid (1), a lost answer (1).
    expect(spansNamed(/^ {2}name: 'POST',$/gm)).toBe(6);
    expect(spansNamed(/^ {2}name: 'portone poll',$/gm)).toBeGreaterThan(0);
    expect(stdout).toContain("'portone.code': 6014");
    for (const metric of ['portone.call.duration', 'portone.attempts', 'portone.declines']) {
      expect(stdout).toContain(`name: '${metric}'`);
    }
    // Order refs are hashed, never printed.
    expect(stdout).not.toContain('ORDER-OTEL');
  }, 60_000);
});
