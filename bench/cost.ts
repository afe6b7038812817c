/**
 * Section 1, cost: CPU per call and throughput beside each raw client, in interleaved rounds, on
 * loopback sockets to a simulator in a process of its own and over an in-memory stub (no
 * network); then memory per call in flight and cold import time, in fresh processes. The child
 * processes run this same file (see its end).
 */
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@portone-retry/testing';
import type { AxiosAdapter } from 'axios';
import { CLIENTS, type Client, type Transport } from './clients.js';
import { CREATE_PATH, createBody, jsonPost, progress, spread, statusPath } from './lib.js';

export interface CostSizes {
  /** Time each client runs before any round: a server's first seconds, not its first hour. */
  readonly warmupMs: number;
  readonly rounds: number;
  /** Time each client runs per round and concurrency (on a busy machine, time bounds a run). */
  readonly sliceMs: number;
  /** Calls in flight for the memory figure. */
  readonly inFlight: number;
  /** Fresh processes per cold import. */
  readonly imports: number;
}

export type CostResult = Awaited<ReturnType<typeof runCost>>;
export type CostRow = CostResult['rows'][number];

export const CONCURRENCIES = [1, 16, 64] as const;
const HERE = fileURLToPath(import.meta.url);
const STUB_URL = 'http://portone.stub';

/** Runs this file in a child process (see its end); `message` is the first thing it sends. */
function child(args: readonly string[], execArgv: readonly string[] = []) {
  const proc = fork(HERE, args, { execArgv: [...process.execArgv, ...execArgv] });
  const message = new Promise<unknown>((resolve, reject) => {
    proc.once('message', resolve);
    proc.once('exit', (code) => reject(new Error(`cost.ts ${args[0]} exited (${code})`)));
  });
  return { proc, message };
}

type Reply = { readonly status: number; readonly body: string };

/** A transport that answers in memory what the simulator answered to a create and to a read. */
function stubTransport(created: Reply, read: Reply): Transport {
  const headers = { 'content-type': 'application/json' };
  const replyFor = (url: string) => (url.endsWith(CREATE_PATH) ? created : read);
  const stubFetch = async (input: string | URL | Request) => {
    const { status, body } = replyFor(input instanceof Request ? input.url : String(input));
    return new Response(body, { status, headers });
  };
  const axiosAdapter: AxiosAdapter = async (config) => {
    const { status, body } = replyFor(String(config.url));
    return { data: body, status, statusText: '', headers, config };
  };
  return { baseUrl: STUB_URL, fetch: stubFetch as typeof fetch, axiosAdapter };
}

type Measured = { readonly cpuUs: number; readonly perSecond: number };
type Bound = readonly [name: string, call: () => Promise<unknown>];

const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * Runs every client in rounds, each round in another order, so drift (a warming JIT, a busy
 * neighbour) falls on every client alike. Returns, per client, each round's CPU µs per call and
 * calls per second. A failed call fails the run: a client that errors is not measured.
 */
async function rounds(clients: readonly Bound[], sizes: CostSizes, concurrency: number) {
  /** Runs `call` with `concurrency` workers until `ms` have passed; the calls in flight finish. */
  const runFor = async (ms: number, call: () => Promise<unknown>) => {
    const end = performance.now() + ms;
    let calls = 0;
    const worker = async () => {
      while (performance.now() < end) {
        await call();
        calls++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return calls;
  };
  const out = new Map<string, Measured[]>(clients.map(([name]) => [name, []]));
  for (const [, call] of clients) await runFor(sizes.warmupMs, call);
  for (let round = 0; round < sizes.rounds; round++) {
    const order = clients.map((_, i) => clients[(i + round) % clients.length] as Bound);
    for (const [name, call] of round % 2 === 0 ? order : order.reverse()) {
      const [t0, c0] = [performance.now(), cpuUs()];
      const calls = await runFor(sizes.sliceMs, call);
      const perSecond = calls / ((performance.now() - t0) / 1000);
      out.get(name)?.push({ cpuUs: (cpuUs() - c0) / calls, perSecond });
    }
  }
  return out;
}

/** Numbers every create's order ref, so no two creates of a run share one. */
let seq = 0;

async function measureOp(
  op: 'read' | 'create',
  loopback: Transport,
  stub: Transport,
  sizes: CostSizes,
) {
  const bind = (t: Transport) =>
    CLIENTS.map((client): Bound => {
      const { get, post } = client.make(t);
      const create = () => post(CREATE_PATH, createBody(`create-${seq++}`));
      return [client.name, op === 'read' ? () => get(statusPath('seeded')) : create];
    });
  const loop = bind(loopback);
  const byConcurrency = new Map<number, Map<string, Measured[]>>();
  for (const concurrency of CONCURRENCIES) {
    progress(`cost: ${op}, loopback, concurrency ${concurrency}`);
    byConcurrency.set(concurrency, await rounds(loop, sizes, concurrency));
  }
  progress(`cost: ${op}, no network`);
  const stubbed = await rounds(bind(stub), sizes, 1);
  /** Per round, `pick(the client's figures, its raw client's)`. */
  const versus = (
    all: Map<string, Measured[]> | undefined,
    client: Client,
    pick: (m: Measured, raw: Measured) => number,
  ) => {
    const raw = all?.get(client.raw) ?? [];
    return spread((all?.get(client.name) ?? []).map((m, i) => pick(m, raw[i] as Measured)));
  };
  const cpu = (m: Measured, raw: Measured) => m.cpuUs - raw.cpuUs;
  return CLIENTS.map((client) => ({
    client: client.name,
    role: client.role,
    op,
    // CPU µs per call above the raw client's: on loopback at concurrency 1, and in memory.
    deltaCpuUs: versus(byConcurrency.get(1), client, cpu),
    stubDeltaCpuUs: versus(stubbed, client, cpu),
    // Calls per second ÷ the raw client's, by concurrency.
    throughput: Object.fromEntries(
      CONCURRENCIES.map((c) => [
        c,
        versus(byConcurrency.get(c), client, (m, raw) => m.perSecond / raw.perSecond),
      ]),
    ),
  }));
}

/** Modules a user imports, timed in a fresh process (the process's own start excluded). */
const IMPORTS = [
  '@portone-retry/core',
  '@portone-retry/fetch-adapter',
  '@portone-retry/axios-adapter + axios',
  // What the app pays for axios itself, so the adapter's own share can be told apart.
  'axios',
  'ky',
  'axios + axios-retry',
  'p-retry',
];

function coldImport(modules: string, runs: number) {
  const imports = modules.split(' + ').map((m) => `await import('${m}');`);
  const script = `const t = performance.now(); ${imports.join(' ')} console.log(performance.now() - t);`;
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  const run = () => execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd });
  return spread(Array.from({ length: runs }, () => Number(String(run()))));
}

/** Heap bytes per pending call above the raw client's, each client in a fresh process. */
async function memory(calls: number) {
  const measured = CLIENTS.filter((c) => c.role !== 'control');
  const bytes = await Promise.all(
    measured.map((c) => child(['in-flight', c.name, String(calls)], ['--expose-gc']).message),
  );
  const of = (name: string) => Number(bytes[measured.findIndex((c) => c.name === name)]);
  return measured
    .filter((c) => c.role !== 'raw')
    .map((c) => ({ client: c.name, bytesPerCall: of(c.name) - of(c.raw) }));
}

export async function runCost(sizes: CostSizes) {
  const sim = child(['simulator']);
  const baseUrl = String(await sim.message);
  try {
    const record = async (path: string, init?: RequestInit): Promise<Reply> => {
      const response = await fetch(baseUrl + path, init);
      if (!response.ok) throw new Error(`the simulator answered ${path} with ${response.status}`);
      return { status: response.status, body: await response.text() };
    };
    // The payment every read reads; the stub answers what the simulator answered here.
    const created = await record(CREATE_PATH, jsonPost(createBody('seeded')));
    const stub = stubTransport(created, await record(statusPath('seeded')));
    const loopback = { baseUrl, fetch };
    const rows = [
      ...(await measureOp('read', loopback, stub, sizes)),
      ...(await measureOp('create', loopback, stub, sizes)),
    ];
    progress('cost: memory in flight');
    const inFlight = await memory(sizes.inFlight);
    progress('cost: cold imports');
    const imports = IMPORTS.map((modules) => ({ modules, ms: coldImport(modules, sizes.imports) }));
    return { rows, memory: inFlight, imports };
  } finally {
    sim.proc.send('close');
    await once(sim.proc, 'exit');
  }
}

/**
 * The simulator, in a process of its own, so its work shares neither the event loop, nor the
 * heap, nor (where the machine allows it) the core of the clients measured. Idle connections are
 * kept ten minutes, longer than any pause between rounds, as a real PortOne endpoint keeps them:
 * a socket the server closes just as a client reuses it would fail the call with ECONNRESET, and
 * a fetch client would open a new connection for each request.
 */
async function serveSimulator(): Promise<void> {
  const sim = await startSimulator({ validate: false, keepAliveMs: 600_000 });
  process.send?.(sim.url);
  const close = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('message', close);
  // The bench ended without saying so (it crashed or was killed): do not outlive it.
  process.once('disconnect', close);
}

/**
 * Sends the heap bytes each pending create holds: `calls` creates through one client over a
 * transport that holds each request and never answers. One process per client, so nothing else
 * is on its heap and the pending calls (and their timers) die with it.
 */
async function measureInFlight(name: string | undefined, calls: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const client = CLIENTS.find((c) => c.name === name);
  if (gc === undefined || client === undefined || !(calls > 0)) {
    throw new Error('usage: node --expose-gc cost.ts in-flight <client> <calls>');
  }
  // A transport that keeps every request it was given, as a socket waiting for its answer does:
  // one that kept nothing would let a client whose call no timer holds be collected whole.
  const held: unknown[] = [];
  const never = ((...request: unknown[]) =>
    new Promise<never>((answer) => held.push(request, answer))) as typeof fetch & AxiosAdapter;
  const { post } = client.make({ baseUrl: STUB_URL, fetch: never, axiosAdapter: never });
  const create = (ref: string) => post(CREATE_PATH, createBody(ref)).catch(() => {});
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  // One call first, so what the client builds once (lazily) is not counted per call.
  const pending = [create('warm-up')];
  await settle();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) pending.push(create(`in-flight-${i}`));
  await settle();
  gc();
  process.send?.((process.memoryUsage().heapUsed - before) / calls, () => process.exit(0));
}

// A child process of this section: `cost.ts simulator` or `cost.ts in-flight <client> <calls>`.
if (process.argv[1] === HERE) {
  const [mode, name, calls] = process.argv.slice(2);
  await (mode === 'simulator' ? serveSimulator() : measureInFlight(name, Number(calls)));
}
