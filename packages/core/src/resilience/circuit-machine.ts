import type { BreakerOutcome } from './breaker-outcome.js';
import {
  type CircuitRecord,
  type CircuitState,
  type CircuitUpdate,
  type OutcomeWindow,
  quorumOf,
  type ResilienceStore,
  type TripRule,
  trips,
} from './store.js';

/** The breaker's answer to "may a call to this key go out now?". */
export interface CircuitPermit {
  /** False: fail the call fast (`PortOneCircuitOpenError`) without sending it. */
  readonly allowed: boolean;
  /** The state the breaker was in when it answered. */
  readonly state: CircuitState;
  /** When refused: about how long until a probe may go, in ms. */
  readonly retryAfterMs?: number;
}

export interface MachineSettings {
  readonly node: string;
  readonly window: OutcomeWindow;
  readonly rule: TripRule;
  readonly openMs: number;
  readonly backoffFactor: number;
  readonly maxOpenMs: number;
  readonly probeTimeoutMs: number;
  readonly now: () => number;
  /** Called on every change this machine made itself. */
  readonly changed: (key: string, from: CircuitState, to: CircuitState) => void;
}

export interface CircuitMachine {
  acquire(store: ResilienceStore, key: string): Promise<CircuitPermit>;
  /** Counts the outcome; resolves whether the breaker is open or probing after it. */
  record(
    store: ResilienceStore,
    key: string,
    outcome: BreakerOutcome,
    mayOpen: boolean,
  ): Promise<boolean>;
  /** Gives up a probe this machine was granted but will not send (another breaker refused). */
  release(store: ResilienceStore, key: string): Promise<void>;
  state(store: ResilienceStore, key: string): Promise<CircuitState>;
}

const ALLOWED: CircuitPermit = { allowed: true, state: 'closed' };

/**
 * One breaker per key over one store: closed → open (on a quorum of failing nodes) → half-open
 * (one probe across everyone sharing the store) → closed or open again for longer. Every time
 * it compares or writes is a duration on the store's clock.
 */
export function createCircuitMachine(s: MachineSettings): CircuitMachine {
  /** Keys this machine holds the half-open probe of, with the record version that granted it. */
  const probes = new Map<string, number>();
  const circuitKey = (key: string) => `circuit:${key}`;
  const outcomesKey = (key: string) => `outcomes:${key}`;

  const coolDown = (opens: number) =>
    Math.min(s.maxOpenMs, s.openMs * s.backoffFactor ** Math.max(0, opens - 1));

  /** Writes `next` if nobody wrote since `seen`; how long the record is kept depends on it. */
  const write = (
    store: ResilienceStore,
    key: string,
    seen: CircuitRecord | undefined,
    next: CircuitUpdate,
  ) => {
    // Kept past its own deadline by the longest cool-down, so the count of openings in a row
    // survives a quiet spell; after that, a breaker nobody asks about is forgotten (closed).
    const ttlMs = Math.max(next.forMs, 0) + s.maxOpenMs;
    return store.writeCircuit(circuitKey(key), seen?.version ?? 0, next, ttlMs, s.now());
  };

  async function open(
    store: ResilienceStore,
    key: string,
    seen: CircuitRecord | undefined,
    opens: number,
  ) {
    const next = { state: 'open', forMs: coolDown(opens), opens } as const;
    if ((await write(store, key, seen, next)) !== undefined) {
      s.changed(key, seen?.state ?? 'closed', 'open');
    }
  }

  async function settleProbe(
    store: ResilienceStore,
    key: string,
    probe: CircuitRecord,
    outcome: BreakerOutcome,
  ) {
    if (outcome === 'success') {
      // Closed, but remembers its openings for a while: a flapping service backs off further.
      const closed = { state: 'closed', forMs: s.maxOpenMs, opens: probe.opens } as const;
      if ((await write(store, key, probe, closed)) === undefined) return;
      await store.clearOutcomes(outcomesKey(key));
      s.changed(key, 'half-open', 'closed');
    } else if (outcome === 'failure') {
      await open(store, key, probe, probe.opens + 1);
    } else {
      // The probe's answer said nothing about health: free the lease so the next call probes.
      await write(store, key, probe, { state: 'half-open', forMs: 0, opens: probe.opens });
    }
  }

  return {
    async acquire(store, key) {
      const record = await store.readCircuit(circuitKey(key), s.now());
      if (record === undefined || record.state === 'closed') return ALLOWED;
      if (record.remainingMs > 0) {
        return { allowed: false, state: record.state, retryAfterMs: record.remainingMs };
      }
      // The cool-down is over (or the last probe's lease lapsed): whoever wins the
      // compare-and-set, here or on another server, is the one probe.
      const lease = { state: 'half-open', forMs: s.probeTimeoutMs, opens: record.opens } as const;
      const won = await write(store, key, record, lease);
      if (won === undefined) {
        return { allowed: false, state: 'half-open', retryAfterMs: s.probeTimeoutMs };
      }
      probes.set(key, won.version);
      if (record.state === 'open') s.changed(key, 'open', 'half-open');
      return { allowed: true, state: 'half-open' };
    },

    async record(store, key, outcome, mayOpen) {
      const probeVersion = probes.get(key);
      if (probeVersion !== undefined) {
        probes.delete(key);
        const current = await store.readCircuit(circuitKey(key), s.now());
        // Still our probe (not taken over after a lapsed lease): its outcome decides.
        if (current?.state === 'half-open' && current.version === probeVersion) {
          await settleProbe(store, key, current, outcome);
          return outcome === 'failure';
        }
      }
      if (outcome === 'ignored') return false;
      const counts = await store.recordOutcome(
        outcomesKey(key),
        s.node,
        outcome === 'failure',
        s.window,
        s.rule,
        s.now(),
      );
      if (outcome === 'success') return false;
      const quorum = counts.failingNodes >= quorumOf(counts.nodes);
      // Neither this node nor the fleet has seen enough to open anything: nothing to read.
      if (!quorum && !trips(counts, s.rule)) return false;
      const record = await store.readCircuit(circuitKey(key), s.now());
      // Already open or probing: late answers of calls sent before the opening change nothing.
      if (record !== undefined && record.state !== 'closed') return true;
      if (!quorum || !mayOpen) return false;
      const repeat = record !== undefined && record.remainingMs > 0;
      await open(store, key, record, repeat ? record.opens + 1 : 1);
      return true;
    },

    async release(store, key) {
      const probeVersion = probes.get(key);
      if (probeVersion === undefined) return;
      probes.delete(key);
      const current = await store.readCircuit(circuitKey(key), s.now());
      if (current?.state === 'half-open' && current.version === probeVersion) {
        await settleProbe(store, key, current, 'ignored');
      }
    },

    async state(store, key) {
      return (await store.readCircuit(circuitKey(key), s.now()))?.state ?? 'closed';
    },
  };
}
