import type { BreakerOutcome } from './breaker-outcome.js';
import { type CircuitPermit, createCircuitMachine } from './circuit-machine.js';
import { createMemoryStore, isInProcess } from './memory-store.js';
import { checkFunction, checkKeys, checkNumber, defined } from './options.js';
import {
  assertResilienceStore,
  type CircuitState,
  type OutcomeWindow,
  type ResilienceStore,
  type TripRule,
} from './store.js';
import {
  createStoreGuard,
  DEFAULT_STORE_TIMEOUT_MS,
  type StoreGuard,
  type StoreHealthEvent,
  StoreUnavailable,
} from './store-guard.js';

export type { CircuitPermit } from './circuit-machine.js';

/** A breaker's change of state, as the engine's `circuit` event carries it. */
export interface CircuitChange {
  readonly key: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  /**
   * `fleet`: the breaker in the store, shared by every breaker on it (one engine's alone with
   * the default memory store). `node`: this breaker's own, opened on its own calls when the
   * fleet has no quorum or the store cannot be reached.
   */
  readonly scope: 'node' | 'fleet';
}

/**
 * Options of the circuit breaker. It keeps one breaker per key (endpoint, and PSP channel: see
 * `breakerKeyOf`). Each breaker instance is a node (`nodeId`); a node sees PortOne failing after
 * `failureThreshold` failed calls in a row, or when at least `failureRatio` of at least
 * `minimumCalls` of its calls in the last `windowMs` failed. The breaker in the store (the
 * fleet's) opens when a quorum of the nodes that sent calls in the window see that: two of them
 * (one when it is the only one) and at least half of them. A node that alone sees failures
 * opens only its own breaker, in this process: its network, not PortOne, is the likely fault.
 * Open, a breaker fails calls fast for `openMs`; then it half-opens and lets one probe through
 * at a time. The probe's success closes it; its failure opens it again for longer
 * (`backoffFactor`, up to `maxOpenMs`). Count one outcome per call, not per attempt.
 */
export interface CircuitBreakerOptions {
  /**
   * Failed calls in a row that open a closed breaker. High enough that a PSP failing half its
   * calls is not cut off (each call that still succeeds is a sale): the breaker is for outages.
   * @default 20
   */
  failureThreshold?: number;
  /**
   * Share of failed calls in the window that opens a closed breaker (with `minimumCalls`).
   * @default 0.9
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
   * This breaker's name among those sharing a store: the fleet counts failures per node. Give
   * each server (or engine) its own; two breakers with one id count as one node.
   * @default a random id
   */
  nodeId?: string;
  /**
   * How long the breaker waits for its store, in ms, whatever the store client's own settings.
   * Past it (or on a store error) this node's own breaker decides, so a Redis that is down or
   * frozen never holds a payment. A Redis round trip takes a few ms; 150 leaves room for a
   * slow one and is small against a call's deadline.
   * @default 150
   */
  storeTimeoutMs?: number;
  /**
   * Called once when the breaker falls back to this node's own state (the store failed or
   * timed out) and once when the store answers again.
   */
  onStoreHealth?: (event: StoreHealthEvent) => void;
  /**
   * The clock, in epoch ms (injected so tests run on fake time).
   * @default Date.now
   */
  now?: () => number;
}

/** Circuit breakers for every key, over one store. */
export interface CircuitBreaker {
  /**
   * Asks before sending a call to `key`. When it answers `allowed`, report the call's outcome
   * with `record(key, …)`; in half-open the allowed call is the probe, and its outcome decides
   * (while this breaker holds the probe of `key`, the next outcome reported for `key` is taken
   * as the probe's: calls sent before the opening have long finished by then). Never waits on
   * the store longer than `storeTimeoutMs`, nor past `signal`: then this node's breaker answers.
   */
  acquire(key: string, signal?: AbortSignal): Promise<CircuitPermit>;
  /**
   * Reports how a call to `key` went: `failure` for a failure of the service, `success` for any
   * answer that shows it works, `ignored` for an answer that says nothing about its health
   * (4000 and 6000 series, an aborted call). `breakerOutcomeOf(classification)` picks one.
   * Report once per call (its final outcome), not per attempt: a node's retries must not count
   * as several nodes' evidence. Bounded like `acquire`.
   */
  record(key: string, outcome: BreakerOutcome, signal?: AbortSignal): Promise<void>;
  /** The state of the breaker of `key`: this node's own when open, else the store's. */
  state(key: string, signal?: AbortSignal): Promise<CircuitState>;
}

const DEFAULTS = {
  failureThreshold: 20,
  failureRatio: 0.9,
  minimumCalls: 20,
  windowMs: 30_000,
  openMs: 30_000,
  backoffFactor: 2,
  maxOpenMs: 300_000,
  probeTimeoutMs: 30_000,
  onStateChange: (_change: CircuitChange): void => {},
  nodeId: '',
  storeTimeoutMs: DEFAULT_STORE_TIMEOUT_MS,
  onStoreHealth: (_event: StoreHealthEvent): void => {},
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
  if (
    options.nodeId !== undefined &&
    (typeof options.nodeId !== 'string' || options.nodeId === '' || options.nodeId.length > 200)
  ) {
    throw new TypeError('breaker.nodeId must be a non-empty string of at most 200 characters');
  }
  checkNumber(name('storeTimeoutMs'), options.storeTimeoutMs, { min: 1 });
  checkFunction(name('onStoreHealth'), options.onStoreHealth);
  checkFunction(name('now'), options.now);
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('circuit breaker key must be a non-empty string (see breakerKeyOf)');
  }
}

/** A random node id: unique enough among the servers of one fleet. */
function randomNodeId(): string {
  const uuid = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID;
  return uuid === undefined ? Math.random().toString(36).slice(2) : uuid.call(globalThis.crypto);
}

/** `store` with every call bounded by `guard` and `signal`. */
function bounded(store: ResilienceStore, guard: StoreGuard, signal?: AbortSignal): ResilienceStore {
  return {
    take: (...args) => guard.call(() => store.take(...args), signal),
    refund: (...args) => guard.call(() => store.refund(...args), signal),
    tokens: (...args) => guard.call(() => store.tokens(...args), signal),
    recordOutcome: (...args) => guard.call(() => store.recordOutcome(...args), signal),
    clearOutcomes: (...args) => guard.call(() => store.clearOutcomes(...args), signal),
    readCircuit: (...args) => guard.call(() => store.readCircuit(...args), signal),
    writeCircuit: (...args) => guard.call(() => store.writeCircuit(...args), signal),
  };
}

/**
 * Circuit breakers, each this node's own, in this process. Given a `store`, breakers of several
 * engines or servers that share it share the fleet's breaker too: an opening by a quorum is
 * seen by all, and one probe goes out across all of them; the node's own breaker answers alone
 * when the store cannot. Without one, the node's breaker is the only one (an engine alone: no
 * fleet to ask). Each breaker reports only the changes it made itself.
 */
export function createCircuitBreaker(
  options: CircuitBreakerOptions = {},
  store?: ResilienceStore,
): CircuitBreaker {
  validate(options);
  if (store !== undefined) assertResilienceStore(store, 'circuit breaker store');
  const o = { ...DEFAULTS, ...defined(options) };
  const node = o.nodeId === '' ? randomNodeId() : o.nodeId;
  const window: OutcomeWindow = {
    windowMs: o.windowMs,
    slotMs: Math.ceil(o.windowMs / WINDOW_SLOTS),
  };
  const rule: TripRule = {
    failureThreshold: o.failureThreshold,
    failureRatio: o.failureRatio,
    minimumCalls: o.minimumCalls,
  };
  const settings = { node, window, rule, ...o };
  const machine = (scope: 'node' | 'fleet') =>
    createCircuitMachine({
      ...settings,
      changed: (key, from, to) => o.onStateChange({ key, from, to, scope }),
    });
  const fleet = machine('fleet');
  const mine = machine('node');
  /** This node's own breakers: in this process, so always answered at once. */
  const local = createMemoryStore();
  const guard = createStoreGuard('breaker', o.storeTimeoutMs, o.onStoreHealth);
  // A memory store answers at once: no time limit, no timer per call.
  const direct = store !== undefined && isInProcess(store);

  /** `operation` on the fleet's breaker, or undefined when there is no store or it cannot answer. */
  async function onFleet<T>(
    operation: (fleetStore: ResilienceStore) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T | undefined> {
    if (store === undefined) return undefined;
    try {
      return await operation(direct ? store : bounded(store, guard, signal));
    } catch (error) {
      if (error instanceof StoreUnavailable) return undefined;
      throw error;
    }
  }

  return {
    async acquire(key, signal) {
      checkKey(key);
      const own = await mine.acquire(local, key);
      if (!own.allowed) return own;
      const permit = await onFleet((fleetStore) => fleet.acquire(fleetStore, key), signal);
      // No store, or it cannot answer: this node's own breaker decides.
      if (permit === undefined) return own;
      if (!permit.allowed) {
        // Our own probe will not be sent: free it, or this node would wait out its lease.
        if (own.state === 'half-open') await mine.release(local, key);
        return permit;
      }
      return permit.state === 'closed' ? own : permit;
    },

    async record(key, outcome, signal) {
      checkKey(key);
      if (!OUTCOMES.includes(outcome)) {
        throw new TypeError(`circuit breaker outcome must be one of ${OUTCOMES.join(', ')}`);
      }
      const fleetOpen = await onFleet(
        (fleetStore) => fleet.record(fleetStore, key, outcome, true),
        signal,
      );
      // This node's breaker opens on its own calls unless the fleet's is open already.
      await mine.record(local, key, outcome, fleetOpen !== true);
    },

    async state(key, signal) {
      checkKey(key);
      const own = await mine.state(local, key);
      if (own !== 'closed') return own;
      return (await onFleet((fleetStore) => fleet.state(fleetStore, key), signal)) ?? own;
    },
  };
}
