import { withPortOne } from '@portone-retry/axios-adapter';
import { createEngine } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import axios, { type AxiosAdapter, AxiosHeaders } from 'axios';
import { minimalResponseWrapper } from './clients.js';
import { median, progress, QUICK, round, SIZES } from './lib.js';

/** One client's cost per call over an in-memory transport, beside the transport alone. */
export interface CallCostRow {
  readonly task: string;
  /** The least layer with our guarantees, written by hand (see `minimalResponseWrapper`): no tool. */
  readonly reference?: true;
  /** Median over passes of the mean µs per call. */
  readonly usPerCall: number;
  /** Largest minus smallest pass, µs. */
  readonly spreadUs: number;
  readonly passes: number;
  /** The task this one wraps; `overheadUs` (what the layer adds per call) is the median over passes of the difference. */
  readonly baseline?: string;
  readonly overheadUs?: number;
}

const BASE = 'http://127.0.0.1:9';
const URL_ = `${BASE}/api/transaction/bench/status`;
const BODY = JSON.stringify({
  content: { status: 'Success', order_ref: 'PO00000001', channel_order_ref: 'CHPO00000001' },
  message: 'transaction status',
  status_code: '2000',
  status_reason: 'SUCCESS',
});
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

/**
 * A fetch that answers at once with the least a fetch hands back: a status, headers and a body
 * read as text, over one prebuilt answer. Building a real Request and Response costs some 20 µs
 * and scatters by as much between passes (their streams make garbage), which would bury the
 * microsecond or two a layer adds; this transport costs about one.
 */
const ANSWER_HEADERS = new Headers(HEADERS);
const memoryAnswer = {
  status: 200,
  ok: true,
  headers: ANSWER_HEADERS,
  text: (): Promise<string> => Promise.resolve(BODY),
  json: (): Promise<unknown> => Promise.resolve(JSON.parse(BODY)),
};
const memoryFetch = (async () => memoryAnswer) as unknown as typeof fetch;

/** An axios adapter that answers at once with the raw text, as axios's http adapter does. */
const memoryAdapter: AxiosAdapter = async (config) => ({
  data: BODY,
  status: 200,
  statusText: 'OK',
  headers: new AxiosHeaders(HEADERS),
  config,
  request: {},
});

const readOk = (response: Response): Promise<unknown> => {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
};

/** One task of section 5c: a client's successful call over the in-memory transport. */
export interface CallCostTask {
  readonly name: string;
  readonly baseline?: string;
  readonly reference?: true;
  readonly run: () => Promise<unknown>;
}

/** The tasks of section 5c, each resolving with the body of one successful read. */
export function callCostTasks(): CallCostTask[] {
  const ourFetch = createPortOneFetch({ baseUrl: BASE, fetch: memoryFetch });
  const rawAxios = axios.create({ adapter: memoryAdapter });
  const ourAxios = withPortOne(axios.create({ adapter: memoryAdapter }), { baseUrl: BASE });
  const engine = createEngine();
  const parsed = JSON.parse(BODY);
  const answer = { httpStatus: 200, headers: HEADERS, body: parsed, raw: parsed };
  return [
    { name: 'in-memory fetch, JSON read', run: () => memoryFetch(URL_).then(readOk) },
    {
      name: 'createPortOneFetch over it',
      baseline: 'in-memory fetch, JSON read',
      run: () => ourFetch(URL_).then(readOk),
    },
    {
      name: 'fetch in a minimal wrapper, with a real timeout, handing back a Response, over it',
      baseline: 'in-memory fetch, JSON read',
      reference: true,
      run: () => minimalResponseWrapper(URL_, 10_000, memoryFetch).then(readOk),
    },
    {
      name: 'axios over an in-memory adapter',
      run: () => rawAxios.get(URL_).then((r) => r.data),
    },
    {
      name: 'withPortOne(axios) over it',
      baseline: 'axios over an in-memory adapter',
      run: () => ourAxios.get(URL_).then((r) => r.data),
    },
    {
      name: 'engine.execute, send answering at once',
      run: () =>
        engine.execute({ method: 'GET', url: URL_, kind: 'read', send: async () => answer }),
    },
  ];
}

/**
 * Section 5c: what one successful call costs in CPU, without the network: each client over a
 * transport that answers at once, beside that transport alone. The difference is the SDK's own
 * work per call (engine, classification, the adapter), free of the loopback's noise.
 */
export async function runCallCost(): Promise<CallCostRow[]> {
  const tasks = callCostTasks();
  // Passes of every task in turn, each a timed run of sequential calls; the figures are medians
  // over passes, and each overhead is taken within a pass, so drift and GC debt spread evenly.
  const { timeMs } = SIZES.pure;
  const passes = QUICK ? 3 : 7;
  const perPass = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  progress('pure: cost per call over an in-memory transport');
  for (const task of tasks) await timedRun(task.run, Math.min(300, timeMs));
  for (let pass = 0; pass < passes; pass++) {
    for (let k = 0; k < tasks.length; k++) {
      const task = tasks[(k + pass) % tasks.length]!;
      perPass.get(task.name)!.push(await timedRun(task.run, timeMs / 2));
    }
  }
  return tasks.map((task) => {
    const mine = perPass.get(task.name)!;
    const base = task.baseline === undefined ? undefined : perPass.get(task.baseline)!;
    return {
      task: task.name,
      ...(task.reference ? { reference: true as const } : {}),
      usPerCall: round(median(mine), 2),
      spreadUs: round(Math.max(...mine) - Math.min(...mine), 2),
      passes: mine.length,
      ...(base === undefined
        ? {}
        : {
            baseline: task.baseline,
            overheadUs: round(median(mine.map((us, i) => us - base[i]!)), 2),
          }),
    };
  });
}

/** Runs `call` one after another for `ms`; the mean µs per call. */
async function timedRun(call: () => Promise<unknown>, ms: number): Promise<number> {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) await call();
    calls += 100;
  }
  return ((performance.now() - start) * 1000) / calls;
}
