import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  type AttributionRow,
  attribute,
  frameOwner,
  type ProfilingThread,
  profiled,
  runAttribution,
  type SampledProfile,
} from '../attribution.js';
import type { HappyClient } from '../clients.js';
import { attributionSection, attributionSummary, profilesSection } from '../report.js';

const CORE = 'file:///app/packages/core/dist/';
const ADAPTER = 'file:///app/packages/fetch-adapter/dist/';
const owner = frameOwner([CORE, ADAPTER]);

describe('frameOwner', () => {
  it('owns our packages and their dependencies, and gives the HTTP clients and Node’s HTTP code to the transport', () => {
    expect(owner(`${CORE}index.js`)).toBe('ours');
    expect(owner(`${ADAPTER}index.js`)).toBe('ours');
    expect(
      owner('file:///app/node_modules/.pnpm/p-retry@7.1.1/node_modules/p-retry/index.js'),
    ).toBe('ours');
    expect(owner('file:///app/node_modules/eventemitter3/index.mjs')).toBe('ours');
    expect(owner('node:internal/deps/undici/undici')).toBe('transport');
    expect(
      owner('file:///app/node_modules/.pnpm/axios@1.13.2/node_modules/axios/lib/core/Axios.js'),
    ).toBe('transport');
    for (const url of ['node:_http_client', 'node:net', 'node:internal/stream_base_commons']) {
      expect(owner(url)).toBe('transport');
    }
  });

  it('owns nothing else: Node’s timers and promises, the bench, another package dir of ours', () => {
    for (const url of [
      'node:internal/timers',
      'node:internal/process/task_queues',
      'file:///app/bench/.cache/client-worker.mjs',
      'file:///app/packages/testing/dist/index.js',
      'file:///app/packages/core/src/index.ts',
    ]) {
      expect(owner(url)).toBeUndefined();
    }
  });
});

/** A profile from a tree: [functionName, url, samples, children]. */
type Tree = [string, string, number, Tree[]?];
function profileOf(root: Tree): SampledProfile {
  const nodes: {
    id: number;
    callFrame: { functionName: string; url: string };
    children: number[];
  }[] = [];
  const samples: number[] = [];
  const add = ([functionName, url, count, children = []]: Tree): number => {
    const id = nodes.length + 1;
    const node = { id, callFrame: { functionName, url }, children: [] as number[] };
    nodes.push(node);
    for (let i = 0; i < count; i++) samples.push(id);
    for (const child of children) node.children.push(add(child));
    return id;
  };
  add(root);
  // Samples interleaved, as a real profile takes them.
  samples.sort((a, b) => ((a * 7) % 5) - ((b * 7) % 5));
  return { nodes, samples };
}

describe('attribute', () => {
  const profile = profileOf([
    '(root)',
    '',
    0,
    [
      ['(idle)', '', 40],
      ['(garbage collector)', '', 6],
      ['(program)', '', 3],
      [
        'worker',
        'file:///app/bench/.cache/client-worker.mjs',
        2,
        [
          [
            'portoneFetch',
            `${ADAPTER}index.js`,
            5,
            [
              // A timer our code sets is ours; so is a native it calls.
              ['setTimeout', 'node:timers', 2, [['insert', 'node:internal/timers', 1]]],
              ['parse', '', 4],
              // The transport our code calls is the transport's, natives under it too.
              ['fetch', 'node:internal/deps/undici/undici', 20, [['writeLatin1String', '', 10]]],
            ],
          ],
        ],
      ],
      [
        'processTicksAndRejections',
        'node:internal/process/task_queues',
        4,
        [
          [
            'onData',
            'node:internal/deps/undici/undici',
            8,
            // Our code called back by the transport is ours again.
            [['afterReading', `${ADAPTER}index.js`, 3, [['runCall', `${CORE}index.js`, 1]]]],
          ],
        ],
      ],
    ],
  ]);
  const a = attribute(profile, owner);

  it('gives each sample to the nearest owned frame on its stack', () => {
    expect(a).toMatchObject({
      samples: 109,
      idle: 40,
      gc: 6,
      ours: 5 + 2 + 1 + 4 + 3 + 1,
      transport: 20 + 10 + 8,
      rest: 3 + 2 + 4,
    });
    expect(a.idle + a.gc + a.ours + a.transport + a.rest).toBe(a.samples);
  });

  it('lists where our share goes, the largest first, natives by name alone', () => {
    expect(a.oursTop.map((t) => [t.frame, t.samples])).toEqual([
      ['portoneFetch (fetch-adapter/dist/index.js)', 5],
      ['parse', 4],
      ['afterReading (fetch-adapter/dist/index.js)', 3],
      ['setTimeout (node:timers)', 2],
      ['insert (node:internal/timers)', 1],
      ['runCall (core/dist/index.js)', 1],
    ]);
  });

  it('counts an empty profile as nothing', () => {
    expect(attribute({ nodes: [] }, owner)).toMatchObject({ samples: 0, ours: 0, oursTop: [] });
  });
});

describe('profiled', () => {
  it('profiles real work in this thread: our frames and the transport’s in the share each spins', async () => {
    // Two scripts with the URLs of a package of ours and of an installed HTTP client. Each is
    // too long for V8 to inline into its caller (a callee inlined is counted in its caller's
    // samples): 200 statements that never run.
    const pad = Array.from({ length: 200 }, (_, i) => `if (ms === ${-i}) n += ${i};`).join(' ');
    const spinFor = `const end = performance.now() + ms; let n = 0; ${pad} while (performance.now() < end) n++;`;
    const transport = runInThisContext(`(function transport(ms) { ${spinFor} return n; })`, {
      filename: 'file:///app/node_modules/http-client/index.js',
    }) as (ms: number) => number;
    const ours = runInThisContext(
      `(function ours(send, ms) { ${spinFor} return n + send(ms * 3); })`,
      {
        filename: `${CORE}index.js`,
      },
    ) as (send: (ms: number) => number, ms: number) => number;
    const spin = async (times: number) => {
      for (let i = 0; i < times; i++) ours(transport, 0.25);
      return times;
    };
    // Warmed up under the profiler: the transport inlined into ours is still the transport's.
    const { result, profile } = await profiled(
      100,
      () => spin(120),
      () => spin(40),
    );
    expect(result).toBe(120);
    const a = attribute(profile, owner);
    expect(a.ours).toBeGreaterThan(0);
    // Three times the transport's spin to one of ours: well over twice as many samples.
    expect(a.transport).toBeGreaterThan(2 * a.ours);
    expect(a.oursTop[0]?.frame).toMatch(/^ours \(/);
  });

  it('stops the profiler when the work fails, and passes its error on', async () => {
    await expect(
      profiled(1000, async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    // A profiler left running would refuse to start again.
    await expect(profiled(1000, async () => 1)).resolves.toMatchObject({ result: 1 });
  });
});

const client = (name: string, extra: Partial<HappyClient> = {}): HappyClient => ({
  name,
  get: async () => undefined,
  ...extra,
});

describe('runAttribution', () => {
  const clients = [
    client('axios'),
    client('axios + axios-retry', { baseline: 'axios' }),
    client('ours axios', { baseline: 'axios', ours: true }),
    client('fetch'),
    client('fetch, a second copy', { baseline: 'fetch', reference: true }),
    client('ours fetch', { baseline: 'fetch', ours: true }),
    client('ours fetch, cancelling', { baseline: 'fetch', ours: true, option: true }),
  ];

  it('profiles ours with default options and their raw clients, each on a fresh thread warmed up first', async () => {
    const log: string[] = [];
    const rows = await runAttribution(
      clients,
      { concurrency: [1, 64], warmup: 300, windowMs: 500, intervalUs: 250 },
      async (c): Promise<ProfilingThread> => {
        log.push(`start ${c.name}`);
        return {
          profile: async (request) => {
            log.push(
              `profile ${c.name}: ${request.warmup} to warm up, then ${request.timeLimitMs} ms at ${request.concurrency} every ${request.intervalUs} µs`,
            );
            const ours = c.ours ? 10 : 0;
            return {
              requests: 200,
              failed: 0,
              attribution: {
                samples: 1000,
                idle: 200,
                gc: 40,
                ours,
                transport: 700 - ours,
                rest: 60,
                oursTop: c.ours ? [{ frame: 'afterReading (x.js:1)', samples: 6 }] : [],
              },
            };
          },
          close: async () => {
            log.push(`close ${c.name}`);
          },
        };
      },
    );
    expect(rows.map((r) => `${r.concurrency} ${r.client}`)).toEqual([
      '1 axios',
      '1 ours axios',
      '1 fetch',
      '1 ours fetch',
      '64 axios',
      '64 ours axios',
      '64 fetch',
      '64 ours fetch',
    ]);
    expect(log.slice(0, 3)).toEqual([
      'start axios',
      'profile axios: 300 to warm up, then 500 ms at 1 every 250 µs',
      'close axios',
    ]);
    expect(log).toHaveLength(3 * 8);
    const ours = rows.find((r) => r.client === 'ours fetch')!;
    // Shares of the 800 busy samples; 800 × 250 µs over 200 requests.
    expect(ours).toMatchObject({
      ours: true,
      baseline: 'fetch',
      busySamples: 800,
      busyUsPerRequest: 1000,
      oursShare: 0.0125,
      transportShare: 0.8625,
      gcShare: 0.05,
      restShare: 0.075,
      oursTop: [{ frame: 'afterReading (x.js:1)', share: 0.0075 }],
    });
  });

  it('closes the thread when profiling fails', async () => {
    const closed: string[] = [];
    await expect(
      runAttribution(
        [client('fetch'), client('ours fetch', { baseline: 'fetch', ours: true })],
        { concurrency: [16], warmup: 1, windowMs: 1, intervalUs: 1 },
        async (c) => ({
          profile: async () => {
            throw new Error(`no profile of ${c.name}`);
          },
          close: async () => {
            closed.push(c.name);
          },
        }),
      ),
    ).rejects.toThrow('no profile of fetch');
    expect(closed).toEqual(['fetch']);
  });
});

const row = (client: string, ours: boolean, oursShare: number): AttributionRow => ({
  concurrency: 64,
  client,
  baseline: ours ? 'fetch' : undefined,
  ours,
  requests: 5000,
  failed: 0,
  busySamples: 4000,
  busyUsPerRequest: 190,
  oursShare,
  transportShare: 0.8 - oursShare,
  gcShare: 0.07,
  restShare: 0.13,
  oursTop: ours
    ? [
        { frame: 'afterReading (fetch-adapter/dist/index.js:66)', share: 0.016 },
        { frame: 'exchange (fetch-adapter/dist/index.js:234)', share: 0.008 },
      ]
    : [],
});

describe('attributionSummary and attributionSection', () => {
  it('states the range of our share and the ratio our own work leaves, against the target', () => {
    const within = attributionSummary([
      row('fetch', false, 0),
      row('ours', true, 0.035),
      row('ours', true, 0.042),
    ]);
    expect(within).toContain('Our code took 3.5–4.2 %');
    expect(within).toContain('at least 0.958');
    expect(within).toContain('within the 0.95 the target allows');
    const short = attributionSummary([row('ours', true, 0.061)]);
    expect(short).toContain('Our code took 6.1 %');
    expect(short).toContain('short of the 0.95 the target asks');
    expect(attributionSummary([row('fetch', false, 0)])).toBe('');
  });

  it('renders a row per profile, our largest functions by name, and nothing without profiles', () => {
    const section = attributionSection([row('fetch', false, 0), row('ours', true, 0.04)]);
    expect(section).toContain(
      '| 64 | **ours** | 5000 | 190 | **4.0 %** | afterReading 1.6 %, exchange 0.8 % | 76.0 % | 7.0 % | 13.0 % |',
    );
    expect(section).toContain('| 64 | fetch | 5000 | 190 |  |  | 80.0 % |');
    expect(attributionSection([])).toBe('');
  });

  it('says a run took no profiles, and says nothing of results from before there were any', () => {
    expect(profilesSection([])).toContain('This run took no profiles');
    expect(profilesSection(undefined)).toBe('');
    expect(profilesSection([row('ours', true, 0.04)])).toContain("### Where a thread's CPU goes");
  });
});
