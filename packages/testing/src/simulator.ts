import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  type FaultOptions,
  PortOneBehaviour,
  type SimReply,
  type SimulatorOptions,
} from './behaviour.js';
import type { Ledger } from './ledger.js';
import type { Route, Step } from './steps.js';
import {
  createWebhookSender,
  type SimulatorWebhookOptions,
  type SimulatorWebhooks,
} from './webhooks.js';

/** A running loopback PortOne simulator. */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:53111`. Pass it as the adapters' `baseUrl`. */
  readonly url: string;
  readonly port: number;
  /** Payments actually created, per merchant order ref. */
  readonly ledger: Ledger;
  /** Queues answers for the next requests to a route. */
  script(route: Route, steps: readonly Step[]): void;
  /** Requests seen for a route as `script` takes it (`'GET /api/transaction/*\/status'`), or in all. */
  requests(route?: string): number;
  /** Every token issued until now answers 401 / 4054. */
  expireTokens(): void;
  /** Starts or stops random faults. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Signed payment webhooks to `webhookUrl`: posted on settlement, or late, twice, forged. */
  readonly webhooks: SimulatorWebhooks;
  /** Closes the server and every socket it holds; waits for both. */
  close(): Promise<void>;
}

/** Options of `startSimulator`. */
export interface StartSimulatorOptions extends SimulatorOptions, SimulatorWebhookOptions {
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  port?: number;
  /**
   * How long an idle connection is kept open, in ms. Above undici's default, so fetch clients
   * reuse connections instead of opening one per request; a benchmark that pauses between
   * rounds raises it further, as a real PortOne endpoint would keep connections.
   * @default 5000
   */
  keepAliveMs?: number;
}

/**
 * Starts a real HTTP server on 127.0.0.1 that behaves like PortOne (envelopes, ledger, 4002 on
 * duplicate creates, pending payments, auth) and fails the way it does on a bad day, as
 * scripted. It never listens beyond loopback.
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const { port = 0, keepAliveMs = 5000, webhookUrl, webhookSecret, ...behaviourOptions } = options;
  if ('host' in options)
    throw new TypeError('host is not an option: the simulator listens on 127.0.0.1 only');
  if (!Number.isInteger(keepAliveMs) || keepAliveMs < 1) {
    throw new TypeError('keepAliveMs must be a positive whole number of ms');
  }
  const behaviour = new PortOneBehaviour(behaviourOptions);
  const webhooks = createWebhookSender({
    ledger: () => behaviour.ledger,
    transport: webhookUrl === undefined ? undefined : (request) => fetch(request),
    url: webhookUrl ?? '',
    secret: webhookSecret ?? options.auth?.secret,
  });
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, run: () => void) => {
    if (ms <= 0) return run();
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const reply = (req: IncomingMessage, res: ServerResponse, answer: SimReply) => {
    later(answer.delayMs, () => {
      if (res.destroyed) return;
      if (answer.type === 'reset') {
        req.socket.destroy();
        return;
      }
      if (answer.type === 'truncated') {
        res.writeHead(answer.status, {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(answer.body)),
        });
        res.write(answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2))));
        later(5, () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.status, {
        ...answer.headers,
        'content-length': String(Buffer.byteLength(answer.body)),
      });
      if (answer.slowBodyMs > 0) {
        res.flushHeaders();
        later(answer.slowBodyMs, () => {
          if (!res.destroyed) res.end(answer.body);
        });
      } else {
        res.end(answer.body);
      }
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      let answer: SimReply;
      try {
        answer = behaviour.handle({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        webhooks.observe();
      } catch (error) {
        answer = {
          type: 'answer',
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: `simulator error: ${String(error)}`,
          delayMs: 0,
          slowBodyMs: 0,
        };
      }
      reply(req, res, answer);
    });
  });
  server.keepAliveTimeout = keepAliveMs;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    ledger: behaviour.ledger,
    script: (route, steps) => behaviour.script.add(route, steps),
    requests: (route) => behaviour.requests(route),
    expireTokens: () => behaviour.expireTokens(),
    setFaults: (faults) => behaviour.setFaults(faults),
    webhooks,
    close: () =>
      new Promise<void>((resolve) => {
        webhooks.close();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
