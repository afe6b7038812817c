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
import { HAPPY_CLIENTS, type HappyClient, type Role, type Transport } from './clients.js';
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
  /** Time each client runs per round and concurrency (on a busy machine, time bounds a run; counts do not). */
  readonly sliceMs: number;
  /** Calls in flight for the memory figure (10 000 in a full run). */
  readonly inFlight: number;
  /** Fresh processes per cold import. */
  readonly imports: number;
}

export interface CostRow {
  readonly client: string;
  readonly role: Role;
  readonly op: 'read' | 'create';
  /** Client CPU µs per call above the raw client's, on loopback at concurrency 1, per round. */
  readonly deltaCpuUs: Spread;
  /** The same over the in-memory stub: the client's own work, no transport. */
  readonly stubDeltaCpuUs: Spread;
  /** Calls per second ÷ the raw client's, per round, by concurrency. */
  readonly throughput: Readonly<Record<number, Spread>>;
}

export interface MemoryRow {
  readonly client: string;
  /** Heap bytes per pending call above the raw client's (10 000 calls that never answer). */
  readonly bytesPerCall: number;
}

export interface ImportRow {
  readonly modules: string;
  readonly ms: Spread;
}

export interface CostResult {
  readonly rows: CostRow[];
  readonly memory: MemoryRow[];
  readonly imports: ImportRow[];
}

const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** startSimulator() in a process of its own (sim-process.ts), so its work is not counted as ours. */
async function simulatorProcess(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./sim-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`)));
  });
  return {
    url,
    close: async () => {
      child.send('close');
      await exited;
    },
  };
}

/** A transport that answers in memory with what the simulator answers, recorded once. */
function stubTransport(): Transport {
  const sim = new PortOneBehaviour({ validate: false });
  const answer = (method: string, path: string, body: string) => {
    const reply = sim.handle({
      method,
      path,
      body,
      headers: { 'content-type': 'application/json' },
    });
    if (reply.type !== 'answer') throw new Error('the simulator did not answer');
    return reply;
  };
  const created = answer('POST', CREATE_PATH, JSON.stringify(createBody('stub')));
  const status = answer('GET', statusPath('stub'), '');
  const replyFor = (url: string) => (url.endsWith(CREATE_PATH) ? created : status);
  const baseUrl = 'http://portone.stub';
  const stubFetch = (async (input: string | URL | Request) => {
    const reply = replyFor(String(input instanceof Request ? input.url : input));
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  }) as typeof fetch;
  const axiosAdapter: AxiosAdapter = async (config) => {
    const reply = replyFor(String(config.url));
    return {
      data: reply.body,
      status: reply.status,
      statusText: '',
      headers: reply.headers,
      config,
    };
  };
  return { baseUrl, fetch: stubFetch, axiosAdapter };
}

/** Numbers every create's order ref, so no two creates of a run share one. */
let seq = 0;

interface Measured {
  cpuUs: number;
  perSecond: number;
}

/** Runs `call` with `concurrency` workers until `ms` have passed; the calls in flight then finish. */
async function runFor(
  ms: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

/**
 * Runs every client in rounds, each round in another order, so drift (a warming JIT, a busy
 * neighbour) falls on every client alike. Returns, per client, each round's CPU µs per call and
 * calls per second. A failed call fails the run: a client that errors is not measured.
 */
async function rounds(
  clients: readonly { name: string; call: () => Promise<unknown> }[],
  options: { rounds: number; sliceMs: number; concurrency: number; warmupMs: number },
): Promise<Map<string, Measured[]>> {
  const out = new Map<string, Measured[]>(clients.map((c) => [c.name, []]));
  for (const client of clients) await runFor(options.warmupMs, options.concurrency, client.call);
  for (let round = 0; round < options.rounds; round++) {
    const order = clients.map(
      (_, i) => clients[(i + round) % clients.length] as (typeof clients)[number],
    );
    for (const client of round % 2 === 0 ? order : order.reverse()) {
      const t0 = performance.now();
      const c0 = cpuUs();
      const calls = await runFor(options.sliceMs, options.concurrency, client.call);
      out.get(client.name)?.push({
        cpuUs: (cpuUs() - c0) / calls,
        perSecond: calls / ((performance.now() - t0) / 1000),
      });
    }
  }
  return out;
}

/** Per round, `value(client) - value(raw)` or `value(client) / value(raw)`. */
const versus = (
  all: Map<string, Measured[]>,
  client: HappyClient,
  pick: (m: Measured, raw: Measured) => number,
): Spread => {
  const own = all.get(client.name) ?? [];
  const raw = all.get(client.raw) ?? [];
  return spread(own.map((m, i) => pick(m, raw[i] as Measured)));
};

async function measureOp(
  op: 'read' | 'create',
  loopback: Transport,
  stub: Transport,
  sizes: CostSizes,
  concurrencies: readonly number[],
): Promise<CostRow[]> {
  const bind = (t: Transport) =>
    HAPPY_CLIENTS.map((client) => {
      const calls = client.make(t);
      const prefix = `${op}-${client.name.replace(/\W+/g, '-')}`;
      return {
        name: client.name,
        call: () => (op === 'read' ? calls.read('seeded') : calls.create(`${prefix}-${seq++}`)),
      };
    });
  const loop = bind(loopback);
  const byConcurrency = new Map<number, Map<string, Measured[]>>();
  for (const concurrency of concurrencies) {
    progress(`cost: ${op}, loopback, concurrency ${concurrency}`);
    byConcurrency.set(concurrency, await rounds(loop, { ...sizes, concurrency }));
  }
  progress(`cost: ${op}, no network`);
  const stubbed = await rounds(bind(stub), { ...sizes, concurrency: 1 });
  const first = byConcurrency.get(concurrencies[0] ?? 1) ?? new Map();
  return HAPPY_CLIENTS.map((client) => ({
    client: client.name,
    role: client.role,
    op,
    deltaCpuUs: versus(first, client, (m, raw) => m.cpuUs - raw.cpuUs),
    stubDeltaCpuUs: versus(stubbed, client, (m, raw) => m.cpuUs - raw.cpuUs),
    throughput: Object.fromEntries(
      [...byConcurrency].map(([c, all]) => [
        c,
        versus(all, client, (m, raw) => m.perSecond / raw.perSecond),
      ]),
    ),
  }));
}

const execFileAsync = promisify(execFile);

/** Modules a user imports, for the cold start of a fresh process (the process's own start excluded). */
export const IMPORTS: readonly (readonly string[])[] = [
  ['@portone-retry/core'],
  ['@portone-retry/fetch-adapter'],
  ['@portone-retry/axios-adapter', 'axios'],
  // What the app pays for axios itself, so the adapter's own share can be told apart.
  ['axios'],
  ['ky'],
  ['axios', 'axios-retry'],
  ['p-retry'],
];

function coldImports(runs: number): ImportRow[] {
  return IMPORTS.map((modules) => {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const script = `const t = performance.now(); ${modules.map((m) => `await import('${m}');`).join(' ')} console.log(performance.now() - t);`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('.', import.meta.url)),
        encoding: 'utf8',
      });
      times.push(Number(out.trim()));
    }
    return { modules: modules.join(' + '), ms: spread(times) };
  });
}

/** Heap bytes per pending call, each client in a fresh process (see in-flight.ts), side by side. */
async function memory(calls: number): Promise<MemoryRow[]> {
  const script = fileURLToPath(new URL('./in-flight.ts', import.meta.url));
  const measured = await Promise.all(
    HAPPY_CLIENTS.filter((c) => c.role !== 'control').map(async (c) => {
      const { stdout } = await execFileAsync(
        process.execPath,
        ['--import', 'tsx', '--expose-gc', script, c.name, String(calls)],
        // From the repository's root, as `pnpm bench` runs (tsx finds its tsconfig from there).
        { cwd: fileURLToPath(new URL('..', import.meta.url)) },
      );
      return [c.name, Number(stdout)] as const;
    }),
  );
  const bytes = new Map(measured);
  return HAPPY_CLIENTS.filter((c) => c.role === 'peer' || c.role === 'ours').map((client) => ({
    client: client.name,
    bytesPerCall: (bytes.get(client.name) ?? Number.NaN) - (bytes.get(client.raw) ?? Number.NaN),
  }));
}

export async function runCost(
  sizes: CostSizes,
  concurrencies: readonly number[] = [1, 16, 64],
): Promise<CostResult> {
  const sim = await simulatorProcess();
  try {
    const loopback: Transport = { baseUrl: sim.url, fetch };
    const seeded = await fetch(sim.url + CREATE_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createBody('seeded')),
    });
    if (!seeded.ok) throw new Error(`could not create the payment to read: ${seeded.status}`);
    const stub = stubTransport();
    const rows = [
      ...(await measureOp('read', loopback, stub, sizes, concurrencies)),
      ...(await measureOp('create', loopback, stub, sizes, concurrencies)),
    ];
    progress('cost: memory in flight');
    const inFlight = await memory(sizes.inFlight);
    progress('cost: cold imports');
    return { rows, memory: inFlight, imports: coldImports(sizes.imports) };
  } finally {
    await sim.close();
  }
}

/** The A/A control's spread: what "no difference" looks like in this run. */
export const noiseFloor = (rows: readonly CostRow[]): number =>
  median(rows.filter((r) => r.role === 'control').map((r) => Math.abs(r.deltaCpuUs.median)));
