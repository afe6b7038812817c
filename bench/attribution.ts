/**
 * Section 1's profile: where a client thread's time on the CPU goes, each client alone against
 * the simulator, sampled by V8's profiler in the thread itself. Shares of one thread's samples
 * are taken from the same seconds of the same thread, so neither the machine's drift nor how two
 * threads share a core moves them: they say what our code costs a call beside the transport's
 * work, which the side-by-side ratio measures from outside.
 */
import { Session } from 'node:inspector/promises';
import { type HappyClient, underTarget } from './clients.js';
import { progress, round } from './lib.js';

/** Who a frame of a sampled stack belongs to, when its script says so. */
export type FrameOwner = 'ours' | 'transport';

/** The parts of a V8 CPU profile (`Profiler.stop`) that attribution reads. */
export interface SampledProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      /** 0-based, as V8 gives it. */
      readonly lineNumber?: number | undefined;
    };
    readonly children?: readonly number[] | undefined;
  }[];
  readonly samples?: readonly number[] | undefined;
}

/** Samples of one profile, counted by where they were taken. */
export interface Attribution {
  readonly samples: number;
  /** The thread waiting for I/O. */
  readonly idle: number;
  /** V8's garbage collector. */
  readonly gc: number;
  /**
   * Our packages (and their dependencies, p-retry and eventemitter3), with everything they call
   * that is not the transport: timers, promises, JSON.parse (V8 counts a builtin such as
   * JSON.parse in the function that calls it: parsing the answer is in afterReading's samples,
   * as the raw client's is in its transport's json()).
   */
  readonly ours: number;
  /** The HTTP client (undici's fetch, axios) and all it calls: Node's sockets, HTTP parsing. */
  readonly transport: number;
  /** The rest: the event loop, the microtask queue, the bench's own request loop. */
  readonly rest: number;
  /**
   * `ours` by the function on top of the stack (native ones by name alone), the most first: where
   * our share goes.
   */
  readonly oursTop: readonly { readonly frame: string; readonly samples: number }[];
}

/**
 * Counts a profile's samples. A sample belongs to the nearest frame on its stack (from the top)
 * whose script is ours or the transport's: JSON.parse called by our code is ours, our code
 * called back by the transport is ours, the transport called by our code is the transport's.
 * Frames of neither (Node's internals, native functions, the bench) take their caller's owner.
 */
export function attribute(
  profile: SampledProfile,
  ownerOf: (url: string) => FrameOwner | undefined,
): Attribution {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<number, FrameOwner | undefined>();
  const ownerOfNode = (id: number): FrameOwner | undefined => {
    // Climbs to the nearest node already known or owned, then fills in the path down.
    const path: number[] = [];
    let at: number | undefined = id;
    let owner: FrameOwner | undefined;
    while (at !== undefined) {
      if (owners.has(at)) {
        owner = owners.get(at);
        break;
      }
      path.push(at);
      const url = byId.get(at)?.callFrame.url ?? '';
      owner = url === '' ? undefined : ownerOf(url);
      if (owner !== undefined) break;
      at = parent.get(at);
    }
    for (const node of path) owners.set(node, owner);
    return owner;
  };

  const counts = new Map<number, number>();
  const samples = profile.samples ?? [];
  for (const id of samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  let idle = 0;
  let gc = 0;
  let ours = 0;
  let transport = 0;
  let rest = 0;
  const oursByFrame = new Map<string, number>();
  for (const [id, count] of counts) {
    const frame = byId.get(id)?.callFrame;
    if (frame?.functionName === '(idle)') idle += count;
    else if (frame?.functionName === '(garbage collector)') gc += count;
    else {
      const owner = ownerOfNode(id);
      if (owner === 'ours') {
        ours += count;
        const key = frameName(frame);
        oursByFrame.set(key, (oursByFrame.get(key) ?? 0) + count);
      } else if (owner === 'transport') transport += count;
      else rest += count;
    }
  }
  const oursTop = [...oursByFrame]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_FRAMES)
    .map(([frame, samples]) => ({ frame, samples }));
  return { samples: samples.length, idle, gc, ours, transport, rest, oursTop };
}

/** How many of our top frames an attribution keeps. */
const TOP_FRAMES = 8;

/** A frame as a reader finds it: `name (file:line)`, or the name alone for a native function. */
function frameName(frame: SampledProfile['nodes'][number]['callFrame'] | undefined): string {
  if (frame === undefined) return '(unknown)';
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const file = frame.url.split('/').slice(-3).join('/');
  return frame.lineNumber === undefined
    ? `${name} (${file})`
    : `${name} (${file}:${frame.lineNumber + 1})`;
}

/**
 * Node's own HTTP and socket code: what axios sends through and the event loop calls back into
 * (undici, Node's fetch, has sockets of its own, under node:internal/deps).
 */
const NODE_TRANSPORT =
  /^node:(?:_http_\w+|https?|net|tls|internal\/(?:http|net|stream_base_commons|streams\/|js_stream_socket|tls\/))/;

/** Our packages' dependencies: their cost is ours. */
const OUR_DEPENDENCIES = /\/node_modules\/(?:p-retry|eventemitter3|is-network-error)\//;

/**
 * Who a script belongs to: ours when it is under one of `ourDirs` (our packages' dist, as file
 * URLs) or is one of our dependencies; the transport's when it is undici (Node's fetch) or any
 * other installed package (axios and what it loads); otherwise nobody's.
 */
export function frameOwner(ourDirs: readonly string[]): (url: string) => FrameOwner | undefined {
  return (url) => {
    if (ourDirs.some((dir) => url.startsWith(dir)) || OUR_DEPENDENCIES.test(url)) return 'ours';
    if (
      url.startsWith('node:internal/deps/undici') ||
      url.includes('/node_modules/') ||
      NODE_TRANSPORT.test(url)
    ) {
      return 'transport';
    }
    return undefined;
  };
}

/**
 * Runs `work` under V8's sampling profiler in this thread; resolves with its result and the
 * profile. `warmUp`, when given, runs first under the profiler too, and its samples are dropped:
 * V8 records where it inlined one function into another only in code it optimises while a
 * profiler runs, and counts a callee inlined into code optimised before in its caller's samples
 * (the transport's small methods would be ours, or ours the bench's). Warmed up under the
 * profiler, the hot code is optimised with that record.
 */
export async function profiled<T>(
  intervalUs: number,
  work: () => Promise<T>,
  warmUp?: () => Promise<unknown>,
): Promise<{ result: T; profile: SampledProfile }> {
  const session = new Session();
  session.connect();
  // The profiler is stopped whatever the work does.
  const underProfiler = async <R>(run: () => Promise<R>) => {
    await session.post('Profiler.start');
    const [outcome] = await Promise.allSettled([run()]);
    const { profile } = await session.post('Profiler.stop');
    if (outcome.status === 'rejected') throw outcome.reason;
    return { result: outcome.value, profile };
  };
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    if (warmUp !== undefined) await underProfiler(warmUp);
    return await underProfiler(work);
  } finally {
    session.disconnect();
  }
}

/** What a client thread answers when asked to profile itself (see client-worker.ts). */
export interface ProfileAnswer {
  readonly attribution: Attribution;
  readonly requests: number;
  readonly failed: number;
}

/**
 * Asks a fresh client thread to warm up with `warmup` requests, then request for `timeLimitMs`,
 * both under the profiler (see `profiled`); only the second is counted.
 */
export interface ProfileRequest {
  readonly profile: {
    readonly warmup: number;
    readonly concurrency: number;
    readonly timeLimitMs: number;
    readonly intervalUs: number;
  };
}

/** A thread that can profile itself: what `runAttribution` needs of a client thread. */
export interface ProfilingThread {
  readonly profile: (request: ProfileRequest['profile']) => Promise<ProfileAnswer>;
  readonly close: () => Promise<void>;
}

/** One client's profile at one concurrency, as shares of the thread's busy samples. */
export interface AttributionRow {
  readonly concurrency: number;
  readonly client: string;
  readonly baseline: string | undefined;
  readonly ours: boolean;
  readonly requests: number;
  readonly failed: number;
  /** Samples taken while the thread was not idle. */
  readonly busySamples: number;
  /** The thread's busy time per request as the samples count it, µs (threads differ: see report). */
  readonly busyUsPerRequest: number | undefined;
  /** Shares of the busy samples (0–1), as in `Attribution`. */
  readonly oursShare: number;
  readonly transportShare: number;
  readonly gcShare: number;
  readonly restShare: number;
  /** Where our share goes: the top frames, with their share of the busy samples. */
  readonly oursTop: readonly { readonly frame: string; readonly share: number }[];
}

export interface AttributionSizes {
  readonly concurrency: readonly number[];
  readonly warmup: number;
  readonly windowMs: number;
  readonly intervalUs: number;
}

/**
 * Profiles each of our adapters with default options, and its raw client, alone on a fresh
 * thread warmed up first (under the profiler too, see `profiled`), at each concurrency.
 */
export async function runAttribution(
  clients: readonly HappyClient[],
  size: AttributionSizes,
  start: (client: HappyClient) => Promise<ProfilingThread>,
): Promise<AttributionRow[]> {
  const profiledClients = clients.filter(
    (c) => underTarget(c) || clients.some((o) => underTarget(o) && o.baseline === c.name),
  );
  const rows: AttributionRow[] = [];
  for (const concurrency of size.concurrency) {
    progress(`overhead: concurrency ${concurrency}, where each thread's CPU goes (profiled)`);
    for (const client of profiledClients) {
      const thread = await start(client);
      try {
        const {
          attribution: a,
          requests,
          failed,
        } = await thread.profile({
          warmup: size.warmup,
          concurrency,
          timeLimitMs: size.windowMs,
          intervalUs: size.intervalUs,
        });
        const busy = a.samples - a.idle;
        const share = (n: number) => (busy > 0 ? round(n / busy, 4) : 0);
        rows.push({
          concurrency,
          client: client.name,
          baseline: client.baseline,
          ours: client.ours === true,
          requests,
          failed,
          busySamples: busy,
          busyUsPerRequest:
            requests > 0 ? round((busy * size.intervalUs) / requests, 1) : undefined,
          oursShare: share(a.ours),
          transportShare: share(a.transport),
          gcShare: share(a.gc),
          restShare: share(a.rest),
          oursTop: a.oursTop.map(({ frame, samples }) => ({ frame, share: share(samples) })),
        });
      } finally {
        await thread.close();
      }
    }
  }
  return rows;
}
