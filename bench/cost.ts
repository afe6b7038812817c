/**
 * Section 1, cost: CPU per call and throughput beside each raw client, on loopback sockets to a
 * simulator in its own process and again over an in-memory stub (no network), in interleaved
 * rounds. Memory in flight and cold import time run in fresh child processes (see in-flight.ts).
 */
import { execFile, execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PortOneBehaviour } from '@portone-retry/testing';
import type { AxiosAdapter } from 'axios';
import { HAPPY_CLIENTS, type HappyClient, type Role, type Transport, viaFetch } from './clients.js';
import {
  CREATE_PATH,
  createBody,
  median,
  progress,
  type Spread,
  spread,
  statusPath,
} from './lib.js';

export interface CostSizes {
  /** Time each client runs before any round: a server's first seconds, not its first hour. */
  readonly warmupMs: number;
  readonly rounds: number;
  /** Time each client runs per round (on a busy machine, time bounds a run; counts do not). */
  readonly sliceMs: number;
  /** Calls in flight for the memory figure. */
  readonly inFlight: number;
  /** Fresh processes per cold import. */
  readonly imports: number;
}

export interface CostRow {
  readonly client: string;
  readonly role: Role;
  readonly op: 'read' | 'create';
  /** CPU µs per call above the raw client's, per round: on loopback (concurrency 1), in memory. */
  readonly deltaCpuUs: Spread;
  readonly stubDeltaCpuUs: Spread;
  /** Calls per second ÷ the raw client's, per round, by concurrency. */
  readonly throughput: Readonly<Record<number, Spread>>;
}

export interface CostResult {
  readonly rows: CostRow[];
  /** Heap bytes per pending call above the raw client's. */
  readonly memory: { readonly client: string; readonly bytesPerCall: number }[];
  readonly imports: { readonly modules: string; readonly ms: Spread }[];
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** startSimulator() in a process of its own (sim-process.ts), so its work is not counted as ours. */
async function simulatorProcess(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = fork(here('./sim-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`)));
  });
  const close = async () => {
    child.send('close');
    await exited;
  };
  return { url, close };
}

/** A transport that answers in memory with what the simulator answers, recorded once. */
function stubTransport(): Transport {
  const sim = new PortOneBehaviour({ validate: false });
  const answer = (method: string, path: string, body: string) => {
    const headers = { 'content-type': 'application/json' };
    const reply = sim.handle({ method, path, body, headers });
    if (reply.type !== 'answer') throw new Error('the simulator did not answer');
    return reply;
  };
  const created = answer('POST', CREATE_PATH, JSON.stringify(createBody('stub')));
  const status = answer('GET', statusPath('stub'), '');
  const replyFor = (url: string) => (url.endsWith(CREATE_PATH) ? created : status);
  const fetchStub = (async (input: string | URL | Request) => {
    const reply = replyFor(String(input instanceof Request ? input.url : input));
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  }) as typeof fetch;
  const axiosAdapter: AxiosAdapter = async (config) => {
    const { body, status, headers } = replyFor(String(config.url));
    return { data: body, status, statusText: '', headers, config };
  };
  return { baseUrl: 'http://portone.stub', fetch: fetchStub, axiosAdapter };
}

interface Measured {
  cpuUs: number;
  perSecond: number;
}
type Bound = { name: string; call: () => Promise<unknown> };

/** Runs `call` with `concurrency` workers until `ms` have passed; gives the calls made. */
async function runFor(ms: number, concurrency: number, call: () => Promise<unknown>) {
  const end = performance.now() + ms;
  let done = 0;
  const worker = async () => {
    for (; performance.now() < end; done++) await call();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

/**
 * Runs every client in rounds, each round in another order, so drift (a warming JIT, a busy
 * neighbour) falls on every client alike. A failed call fails the run: a client that errors is
 * not measured.
 */
async function rounds(
  clients: readonly Bound[],
  options: CostSizes & { concurrency: number },
): Promise<Map<string, Measured[]>> {
  const out = new Map<string, Measured[]>(clients.map((c) => [c.name, []]));
  for (const client of clients) await runFor(options.warmupMs, options.concurrency, client.call);
  for (let round = 0; round < options.rounds; round++) {
    const order = clients.map((_, i) => clients[(i + round) % clients.length] as Bound);
    for (const client of round % 2 === 0 ? order : order.reverse()) {
      const [t0, c0] = [performance.now(), cpuUs()];
      const calls = await runFor(options.sliceMs, options.concurrency, client.call);
      out.get(client.name)?.push({
        cpuUs: (cpuUs() - c0) / calls,
        perSecond: calls / ((performance.now() - t0) / 1000),
      });
    }
  }
  return out;
}

/** Per round, the client's figure against its raw client's: `pick(own, raw)`. */
const versus = (
  all: Map<string, Measured[]>,
  client: HappyClient,
  pick: (m: Measured, raw: Measured) => number,
): Spread => {
  const raw = all.get(client.raw) ?? [];
  return spread((all.get(client.name) ?? []).map((m, i) => pick(m, raw[i] as Measured)));
};
const minus = (m: Measured, raw: Measured) => m.cpuUs - raw.cpuUs;

/** Numbers every create's order ref, so no two creates of a run share one. */
let seq = 0;

async function measureOp(
  op: 'read' | 'create',
  transports: { loopback: Transport; stub: Transport },
  sizes: CostSizes,
  concurrencies: readonly number[],
): Promise<CostRow[]> {
  const bind = (t: Transport): Bound[] =>
    HAPPY_CLIENTS.map(({ name, make }) => {
      const http = make(t);
      const call = () =>
        op === 'read'
          ? http.get(statusPath('seeded'))
          : http.post(CREATE_PATH, createBody(`create-${seq++}`));
      return { name, call };
    });
  const loopback = bind(transports.loopback);
  const byConcurrency = new Map<number, Map<string, Measured[]>>();
  for (const concurrency of concurrencies) {
    progress(`cost: ${op}, loopback, concurrency ${concurrency}`);
    byConcurrency.set(concurrency, await rounds(loopback, { ...sizes, concurrency }));
  }
  progress(`cost: ${op}, no network`);
  const stubbed = await rounds(bind(transports.stub), { ...sizes, concurrency: 1 });
  const first = byConcurrency.get(concurrencies[0] ?? 1) ?? new Map();
  return HAPPY_CLIENTS.map((client) => ({
    client: client.name,
    role: client.role,
    op,
    deltaCpuUs: versus(first, client, minus),
    stubDeltaCpuUs: versus(stubbed, client, minus),
    throughput: Object.fromEntries(
      [...byConcurrency].map(([c, all]) => [
        c,
        versus(all, client, (m, raw) => m.perSecond / raw.perSecond),
      ]),
    ),
  }));
}

/** Modules a user imports; axios alone too, so the adapter's own share can be told apart. */
export const IMPORTS = [
  ['@portone-retry/core'],
  ['@portone-retry/fetch-adapter'],
  ['@portone-retry/axios-adapter', 'axios'],
  ['axios'],
  ['ky'],
  ['axios', 'axios-retry'],
  ['p-retry'],
];

/** `await import()` of each module set in a fresh `node`, the process's own start excluded. */
function coldImports(runs: number): CostResult['imports'] {
  return IMPORTS.map((modules) => {
    const imports = modules.map((m) => `await import('${m}');`).join(' ');
    const script = `const t = performance.now(); ${imports} console.log(performance.now() - t);`;
    const times = Array.from({ length: runs }, () =>
      Number(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], {
          cwd: here('.'),
          encoding: 'utf8',
        }),
      ),
    );
    return { modules: modules.join(' + '), ms: spread(times) };
  });
}

/** Heap bytes per pending call, each client in a fresh process (see in-flight.ts), side by side. */
async function memory(calls: number): Promise<CostResult['memory']> {
  const measure = async (c: HappyClient) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', here('./in-flight.ts'), c.name, String(calls)],
      // From the repository's root, as `pnpm bench` runs (tsx finds its tsconfig from there).
      { cwd: here('..') },
    );
    return [c.name, Number(stdout)] as const;
  };
  const measured = HAPPY_CLIENTS.filter((c) => c.role !== 'control');
  const bytes = new Map(await Promise.all(measured.map(measure)));
  return measured
    .filter((c) => c.role !== 'raw')
    .map((client) => ({
      client: client.name,
      bytesPerCall: (bytes.get(client.name) ?? Number.NaN) - (bytes.get(client.raw) ?? Number.NaN),
    }));
}

export async function runCost(
  sizes: CostSizes,
  concurrencies: readonly number[],
): Promise<CostResult> {
  const sim = await simulatorProcess();
  try {
    // The payment every read asks for.
    await viaFetch(fetch, sim.url).post(CREATE_PATH, createBody('seeded'));
    const transports = { loopback: { baseUrl: sim.url, fetch }, stub: stubTransport() };
    const rows = [
      ...(await measureOp('read', transports, sizes, concurrencies)),
      ...(await measureOp('create', transports, sizes, concurrencies)),
    ];
    progress('cost: memory in flight');
    const inFlight = await memory(sizes.inFlight);
    progress('cost: cold imports');
    return { rows, memory: inFlight, imports: coldImports(sizes.imports) };
  } finally {
    await sim.close();
  }
}

/** The A/A control's difference: what "no difference" looks like in this run. */
export const noiseFloor = (rows: readonly CostRow[]): number =>
  median(rows.filter((r) => r.role === 'control').map((r) => Math.abs(r.deltaCpuUs.median)));
