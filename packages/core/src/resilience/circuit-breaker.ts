import type { BreakerOutcome } from './breaker-outcome.js';
import { createMemoryStore } from './memory-store.js';
import { checkFunction, checkKeys, checkNumber, defined } from './options.js';
import {
  assertResilienceStore,
  type CircuitRecord,
  type CircuitState,
  type CircuitUpdate,
  type OutcomeWindow,
  type ResilienceStore,
} from './store.js';

/** A breaker's change of state, as the engine's `circuit` event carries it. */
export interface CircuitChange {
  readonly key: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
}

/**
 * Options of the circuit breaker. It keeps one breaker per key (endpoint, and PSP channel: see
 * `breakerKeyOf`): closed, it opens after `failureThreshold` failures in a row, or when at least
 * `failureRatio` of at least `minimumCalls` calls in the last `windowMs` failed. Open, it fails
 * calls fast for `openMs`; then it half-opens and lets one probe through at a time. The probe's
 * success closes it; its failure opens it again for longer (`backoffFactor`, up to `maxOpenMs`).
 */
export interface CircuitBreakerOptions {
  /**
   * Failures in a row that open a closed breaker.
   * @default 5
   */
  failureThreshold?: number;
  /**
   * Share of failed calls in the window that opens a closed breaker (with `minimumCalls`).
   * @default 0.5
   */
  failureRatio?: number;
  /**
   * Calls the window must hold before `failureRatio` is judged, so two calls do not decide.
   * @default 20
   */
  minimumCalls?: number;
  /**
   * The sliding window `failureRatio` is judged over, in ms.
   * @default 30000
   */
  windowMs?: number;
  /**
   * The first cool-down: how long an opened breaker fails calls fast before a probe, in ms.
   * @default 30000
   */
  openMs?: number;
  /**
   * Each opening in a row multiplies the cool-down by this.
   * @default 2
   */
  backoffFactor?: number;
  /**
   * The longest cool-down, in ms. A breaker that trips again within this long after closing
   * counts as opening again, with the longer cool-down.
   * @default 300000
   */
  maxOpenMs?: number;
  /**
   * How long a probe may run without reporting before another caller may probe, in ms (a probe
   * whose process died must not hold the breaker half-open for ever).
   * @default 30000
   */
  probeTimeoutMs?: number;
  /** Called on every change this breaker makes, for the engine's `circuit` event. */
  onStateChange?: (change: CircuitChange) => void;
  /**
   * The clock, in epoch ms (injected so tests run on fake time).
   * @default Date.now
   */
  now?: () => number;
}

/** The breaker's answer to "may a call to this key go out now?". */
export interface CircuitPermit {
  /** False: fail the call fast (`PortOneCircuitOpenError`) without sending it. */
  readonly allowed: boolean;
  /** The state the breaker was in when it answered. */
  readonly state: CircuitState;
  /** When refused: about how long until a probe may go, in ms. */
  readonly retryAfterMs?: number;
}

/** Circuit breakers for every key, over one store. */
export interface CircuitBreaker {
  /**
   * Asks before sending a call to `key`. When it answers `allowed`, report the call's outcome
   * with `record(key, …)`; in half-open the allowed call is the probe, and its outcome decides
   * (while this breaker holds the probe of `key`, the next outcome reported for `key` is taken
   * as the probe's: calls sent before the opening have long finished by then).
   */
  acquire(key: string): Promise<CircuitPermit>;
  /**
   * Reports how a call to `key` went: `failure` for a failure of the service, `success` for any
   * answer that shows it works, `ignored` for an answer that says nothing about its health
   * (4000 and 6000 series, an aborted call). `breakerOutcomeOf(classification)` picks one.
   */
  record(key: string, outcome: BreakerOutcome): Promise<void>;
  /** The state of the breaker of `key` as stored now. */
  state(key: string): Promise<CircuitState>;
}

const DEFAULTS = {
  failureThreshold: 5,
  failureRatio: 0.5,
  minimumCalls: 20,
  windowMs: 30_000,
  openMs: 30_000,
  backoffFactor: 2,
  maxOpenMs: 300_000,
  probeTimeoutMs: 30_000,
  onStateChange: (_change: CircuitChange): void => {},
  now: Date.now,
} satisfies Required<CircuitBreakerOptions>;

/** The window slides in this many steps: judged to within a tenth of its length. */
const WINDOW_SLOTS = 10;
const OUTCOMES: readonly BreakerOutcome[] = ['success', 'failure', 'ignored'];

function validate(options: CircuitBreakerOptions): void {
  checkKeys('breaker', options, Object.keys(DEFAULTS));
  const name = (option: string) => `breaker.${option}`;
  checkNumber(name('failureThreshold'), options.failureThreshold, { min: 1, integer: true });
  checkNumber(name('failureRatio'), options.failureRatio, { min: 0, max: 1, exclusiveMin: true });
  checkNumber(name('minimumCalls'), options.minimumCalls, { min: 1, integer: true });
  checkNumber(name('windowMs'), options.windowMs, { min: WINDOW_SLOTS, integer: true });
  checkNumber(name('openMs'), options.openMs, { min: 1 });
  checkNumber(name('backoffFactor'), options.backoffFactor, { min: 1 });
  checkNumber(name('maxOpenMs'), options.maxOpenMs, { min: 1 });
  checkNumber(name('probeTimeoutMs'), options.probeTimeoutMs, { min: 1 });
  const openMs = options.openMs ?? DEFAULTS.openMs;
  const maxOpenMs = options.maxOpenMs ?? DEFAULTS.maxOpenMs;
  if (openMs > maxOpenMs) {
    throw new TypeError(`breaker.openMs (${openMs}) must not exceed maxOpenMs (${maxOpenMs})`);
  }
  checkFunction(name('onStateChange'), options.onStateChange);
  checkFunction(name('now'), options.now);
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('circuit breaker key must be a non-empty string (see breakerKeyOf)');
  }
}

/**
 * Circuit breakers over `store` (a fresh in-memory one unless given). Breakers of several
 * engines or servers that share a store share their state: one opening is seen by all, and one
 * probe goes out across all of them. Each breaker reports only the changes it made itself.
 */
export function createCircuitBreaker(
  options: CircuitBreakerOptions = {},
  store: ResilienceStore = createMemoryStore(),
): CircuitBreaker {
  validate(options);
  assertResilienceStore(store, 'circuit breaker store');
  const o = { ...DEFAULTS, ...defined(options) };
  const window: OutcomeWindow = {
    windowMs: o.windowMs,
    slotMs: Math.ceil(o.windowMs / WINDOW_SLOTS),
  };
  /** Keys this breaker holds the half-open probe of, with the record version that granted it. */
  const probes = new Map<string, number>();
  const circuitKey = (key: string) => `circuit:${key}`;
  const outcomesKey = (key: string) => `outcomes:${key}`;

  const coolDown = (opens: number) =>
    Math.min(o.maxOpenMs, o.openMs * o.backoffFactor ** Math.max(0, opens - 1));

  /** Writes `next` if nobody wrote since `seen`; how long the record is kept depends on it. */
  const write = (
    key: string,
    seen: CircuitRecord | undefined,
    next: CircuitUpdate,
    now: number,
  ) => {
    // Kept past its own deadline by the longest cool-down, so the count of openings in a row
    // survives a quiet spell; after that, a breaker nobody asks about is forgotten (closed).
    const ttlMs = Math.max(next.until - now, 0) + o.maxOpenMs;
    return store.writeCircuit(circuitKey(key), seen?.version ?? 0, next, ttlMs, now);
  };

  const changed = (key: string, from: CircuitState, to: CircuitState) =>
    o.onStateChange({ key, from, to });

  async function open(key: string, seen: CircuitRecord | undefined, opens: number, now: number) {
    const from = seen?.state ?? 'closed';
    const written = await write(
      key,
      seen,
      { state: 'open', until: now + coolDown(opens), opens },
      now,
    );
    if (written !== undefined) changed(key, from, 'open');
  }

  async function settleProbe(key: string, probe: CircuitRecord, outcome: BreakerOutcome) {
    const now = o.now();
    if (outcome === 'success') {
      // Closed, but remembers its openings for a while: a flapping service backs off further.
      const closed = { state: 'closed', until: now + o.maxOpenMs, opens: probe.opens } as const;
      if ((await write(key, probe, closed, now)) === undefined) return;
      await store.clearOutcomes(outcomesKey(key));
      changed(key, 'half-open', 'closed');
    } else if (outcome === 'failure') {
      await open(key, probe, probe.opens + 1, now);
    } else {
      // The probe's answer said nothing about health: free the lease so the next call probes.
      await write(key, probe, { state: 'half-open', until: now, opens: probe.opens }, now);
    }
  }

  return {
    async acquire(key) {
      checkKey(key);
      const now = o.now();
      const record = await store.readCircuit(circuitKey(key), now);
      if (record === undefined || record.state === 'closed')
        return { allowed: true, state: 'closed' };
      if (now < record.until) {
        return { allowed: false, state: record.state, retryAfterMs: record.until - now };
      }
      // The cool-down is over (or the last probe's lease lapsed): whoever wins the
      // compare-and-set, here or on another server, is the one probe.
      const lease = {
        state: 'half-open',
        until: now + o.probeTimeoutMs,
        opens: record.opens,
      } as const;
      const won = await write(key, record, lease, now);
      if (won === undefined) {
        return { allowed: false, state: 'half-open', retryAfterMs: o.probeTimeoutMs };
      }
      probes.set(key, won.version);
      if (record.state === 'open') changed(key, 'open', 'half-open');
      return { allowed: true, state: 'half-open' };
    },

    async record(key, outcome) {
      checkKey(key);
      if (!OUTCOMES.includes(outcome)) {
        throw new TypeError(`circuit breaker outcome must be one of ${OUTCOMES.join(', ')}`);
      }
      const probeVersion = probes.get(key);
      if (probeVersion !== undefined) {
        probes.delete(key);
        const current = await store.readCircuit(circuitKey(key), o.now());
        // Still our probe (not taken over after a lapsed lease): its outcome decides.
        if (current?.state === 'half-open' && current.version === probeVersion) {
          await settleProbe(key, current, outcome);
          return;
        }
      }
      if (outcome === 'ignored') return;
      const now = o.now();
      const counts = await store.recordOutcome(
        outcomesKey(key),
        outcome === 'failure',
        window,
        now,
      );
      if (outcome === 'success') return;
      const tripped =
        counts.consecutiveFailures >= o.failureThreshold ||
        (counts.total >= o.minimumCalls && counts.failures / counts.total >= o.failureRatio);
      if (!tripped) return;
      const record = await store.readCircuit(circuitKey(key), now);
      // Already open or probing: late answers of calls sent before the opening change nothing.
      if (record !== undefined && record.state !== 'closed') return;
      const repeat = record !== undefined && now < record.until;
      await open(key, record, repeat ? record.opens + 1 : 1, now);
    },

    async state(key) {
      checkKey(key);
      return (await store.readCircuit(circuitKey(key), o.now()))?.state ?? 'closed';
    },
  };
}
