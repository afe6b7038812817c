/**
 * `pnpm demo`: a checkout backend's day against PortOne, on the built-in simulator. Each scene is
 * one call through the SDK; the timeline is printed from the SDK's own events.
 *   pnpm demo          readable timeline and summary (colours on a TTY only)
 *   pnpm -s demo --json   the events as JSON lines (`-s` keeps pnpm's own lines off stdout)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withPortOne } from '@portone-retry/axios-adapter';
import {
  createEngine,
  createWebhookHandler,
  isPortOneError,
  PortOneCardError,
  type PortOneError,
  type PortOneEventName,
} from '@portone-retry/core';
import { type Simulator, type Step, startSimulator } from '@portone-retry/testing';
import axios from 'axios';
import { MERCHANT, paymentRequest } from './signing.js';

const json = process.argv.includes('--json');

// `pnpm -s demo --json | head` closes the pipe early: stop quietly rather than crash with EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** Short waits so the demo runs in a second; the defaults are in the core README. */
const DEMO_POLICY = { minDelayMs: 20, maxDelayMs: 200, pollIntervalMs: 50, pollMaxIntervalMs: 200 };

/** The engine's retry reasons, in the words of the summary. */
const REASONS: Record<string, string> = {
  'transport ambiguous': 'connection dropped after the request left',
  'transport timeout': 'no answer in time',
  'transport failure': 'no answer',
  'not sent': 'connection failed before the request left',
  'not found by its order ref; sending again': 'safe to send again',
};
const colour = process.stdout.isTTY && !json && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint(2);
const green = paint(32);
const red = paint(31);
const yellow = paint(33);
const bold = paint(1);

interface Scene {
  title: string;
  script?: [string, Step[]];
  orderRef?: string;
  /** What a payment engineer should see happen. */
  expect: string;
  /** PortOne's webhook says how the payment ended, as soon as the call starts polling. */
  webhook?: boolean;
}

const scenes: Scene[] = [
  { title: 'A clean payment', orderRef: 'ORDER-1001', expect: 'one attempt, resolved' },
  {
    title: 'A PSP hiccup: 5024 twice',
    orderRef: 'ORDER-1002',
    script: ['POST /api/initiatePayment', [{ code: 5024 }, { code: 5024 }]],
    expect: 'checked by order ref, re-sent, recovered on the third attempt',
  },
  {
    title: 'A pending payment',
    orderRef: 'ORDER-1003',
    script: ['POST /api/initiatePayment', [{ pending: 2 }]],
    expect: 'polled until it settles',
  },
  {
    title: 'A pending payment settled by PortOne’s webhook',
    orderRef: 'ORDER-1007',
    script: ['POST /api/initiatePayment', [{ pending: 1_000 }]],
    expect: 'the verified webhook settles it before the next poll',
    webhook: true,
  },
  {
    title: 'A card declined (6014)',
    orderRef: 'ORDER-1004',
    script: ['POST /api/initiatePayment', [{ code: 6014 }]],
    expect: 'never retried; the customer gets a message they can act on',
  },
  {
    title: 'A validation error (4001)',
    orderRef: 'ORDER-1005',
    script: ['POST /api/initiatePayment', [{ code: 4001 }]],
    expect: 'fails fast, no retry',
  },
  {
    title: 'The connection drops after PortOne took the payment',
    orderRef: 'ORDER-1006',
    script: ['POST /api/initiatePayment', [{ reset: 'after' }]],
    expect: 'reconciled by order ref: no second charge',
  },
];

function describeEvent(event: PortOneEventName, p: Record<string, unknown>): string {
  switch (event) {
    case 'attempt':
      return `attempt ${p.attempt}  ${p.method} ${new URL(String(p.url)).pathname}`;
    case 'response':
      return `answer  HTTP ${p.httpStatus === 0 ? '— (connection dropped)' : p.httpStatus}${p.code ? ` code ${p.code} ${p.status ?? ''}` : ''}`;
    case 'retry':
      return yellow(
        `${REASONS[String(p.reason)] ?? p.reason}: wait ${p.delayMs} ms before the next step`,
      );
    case 'poll':
      return yellow(`payment ${p.status ?? 'Pending'}: check status in ${p.delayMs} ms`);
    case 'lookup':
      return `look up ${p.orderRef}: ${p.status ?? (p.found === false ? 'not there' : 'no answer')}`;
    case 'reconcile':
      return yellow(
        p.found
          ? `reconcile ${p.orderRef}: PortOne has it (${p.status}) → follow it, do not re-send`
          : `reconcile ${p.orderRef}: PortOne does not have it → ${p.action === 'resend' ? 're-send' : 'give up'}`,
      );
    case 'success':
      return green(`success after ${p.attempts} attempt(s), settled by ${p.settledBy}`);
    case 'surface':
      return red(`show the customer: “${p.customerMessage}”`);
    case 'failure': {
      const error = p.error as Error;
      return red(`failure ${error.name}: ${error.message}`);
    }
    default:
      return event;
  }
}

/** One word per result, the same for every scene: paid, declined, or failed and why. */
function outcomeOf(error: PortOneError): string {
  if (error instanceof PortOneCardError) return 'declined: customer told';
  return `failed: ${error.series}`;
}

/** The merchant's webhook secret (PORTONE_SECRET in a real server). */
const WEBHOOK_SECRET = 'demo-merchant-secret';

/** The merchant's webhook endpoint on 127.0.0.1: the raw body handed to the web-standard handler. */
async function startWebhookReceiver(handle: (request: Request) => Promise<Response>) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await handle(
      new Request('http://127.0.0.1/webhooks/portone', {
        method: 'POST',
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(answer.status).end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/portone`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const engine = createEngine({ policy: DEMO_POLICY });
  const webhooks = await startWebhookReceiver(
    createWebhookHandler({ secret: WEBHOOK_SECRET, engine }),
  );
  // Validates and verifies requests as PortOne does: the demo signs them with signRequest.
  const sim: Simulator = await startSimulator({
    signatures: MERCHANT,
    webhookUrl: webhooks.url,
    webhookSecret: WEBHOOK_SECRET,
  });
  const checkout = withPortOne(axios.create({ baseURL: sim.url }), { engine });
  // On stderr with --json, so stdout stays one JSON event per line.
  (json ? console.error : console.log)(
    dim(
      `Waits shortened for the demo: policy ${JSON.stringify(DEMO_POLICY)} ` +
        '(defaults: 250 ms backoff base, 8 s cap, polls every 1 s up to 10 s)',
    ),
  );
  const names: PortOneEventName[] = [
    'attempt',
    'response',
    'retry',
    'poll',
    'lookup',
    'reconcile',
    'success',
    'surface',
    'failure',
  ];
  let scene = '';
  for (const name of names) {
    checkout.portone.on(name, (payload: unknown) => {
      const p = payload as Record<string, unknown>;
      if (json) {
        const { error, ...rest } = p;
        const out = error && isPortOneError(error) ? { ...rest, error: error.toJSON() } : rest;
        console.log(JSON.stringify({ scene, event: name, ...out }));
      } else {
        console.log(`  ${dim(`${String(p.elapsedMs).padStart(5)} ms`)}  ${describeEvent(name, p)}`);
      }
    });
  }

  const summary: {
    scene: string;
    outcome: string;
    attempts: number;
    ms: number;
    payments: number;
  }[] = [];
  for (const s of scenes) {
    scene = s.title;
    if (s.script) sim.script(s.script[0], s.script[1]);
    const ref = s.orderRef ?? '';
    const off = s.webhook
      ? checkout.portone.on('poll', () => void sim.webhooks.deliver(ref, { status: 'Success' }))
      : () => {};
    if (!json) console.log(`\n${bold(s.title)} ${dim(`— expect: ${s.expect}`)}`);
    const started = Date.now();
    const createsBefore = sim.requests('POST /api/initiatePayment');
    let outcome: string;
    try {
      const order = { id: ref, amount: 25_000, currency: 'KRW' };
      await checkout.post('/api/initiatePayment', await paymentRequest(order));
      outcome = 'paid';
    } catch (error) {
      if (!isPortOneError(error)) throw error;
      outcome = outcomeOf(error);
    }
    off();
    summary.push({
      scene: s.title,
      outcome,
      attempts: sim.requests('POST /api/initiatePayment') - createsBefore,
      ms: Date.now() - started,
      payments: sim.ledger.count(s.orderRef ?? ''),
    });
  }
  await sim.close();
  await webhooks.close();

  if (json) return;
  console.log(`\n${bold('Summary')}`);
  const rows = [
    ['scene', 'outcome', 'creates sent', 'ms', 'payments in ledger'],
    ...summary.map((r) => [
      r.scene,
      r.outcome,
      String(r.attempts),
      String(r.ms),
      String(r.payments),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(`  ${row.map((cell, j) => cell.padEnd(widths[j]!)).join('  ')}`);
    if (i === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
  const doubles = sim.ledger.duplicates().length;
  console.log(
    `\n  Ledger: ${sim.ledger.total()} payments for ${summary.length} orders; ${doubles === 0 ? green('no customer charged twice') : red(`${doubles} charged twice`)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
