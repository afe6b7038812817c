import type { ResilienceStore } from '../store/resilience-store.js';

/** A breaker's state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Options of the circuit breaker, one per endpoint (and per PSP channel when the request names
 * one). It opens after `threshold` consecutive failures of the service, fails fast while open,
 * lets one probe through after the cool-down (half-open), and closes when the probe succeeds.
 * Each reopening doubles the cool-down, up to `maxCooldownMs`.
 */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. @default 5 */
  threshold?: number;
  /** First cool-down before a probe is let through, in ms. @default 30000 */
  cooldownMs?: number;
  /** Longest cool-down, in ms. @default 300000 */
  maxCooldownMs?: number;
  /** A failure older than this no longer counts towards the threshold, in ms. @default 60000 */
  failureWindowMs?: number;
}

/** What the breaker says about the next call to `key`. */
export interface CircuitVerdict {
  readonly allowed: boolean;
  readonly state: CircuitState;
  /** When the breaker will let a probe through, in ms from now (while open). */
  readonly retryAfterMs?: number;
}

export interface CircuitBreaker {
  /** Asks whether a call to `key` may go out now. */
  acquire(key: string): Promise<CircuitVerdict>;
  /**
   * Records how a call to `key` went: `failure` for a failure of the service (transport, 5000,
   * 8000, proxy 5xx), `success` for any answer that shows the service works — 4000 and 6000
   * answers included: they are the caller's or the customer's, never the service's.
   */
  record(key: string, outcome: 'success' | 'failure'): Promise<void>;
}

/** Called on every state change, for the `circuit` event. */
export type CircuitListener = (change: {
  key: string;
  from: CircuitState;
  to: CircuitState;
}) => void;

const DEFAULTS = {
  threshold: 5,
  cooldownMs: 30_000,
  maxCooldownMs: 300_000,
  failureWindowMs: 60_000,
};

function validate(options: CircuitBreakerOptions): void {
  for (const name of Object.keys(options)) {
    if (!(name in DEFAULTS)) throw new TypeError(`breaker.${name} is not a breaker option`);
  }
  for (const [name, min] of [
    ['threshold', 1],
    ['cooldownMs', 1],
    ['maxCooldownMs', 1],
    ['failureWindowMs', 1],
  ] as const) {
    const value = options[name];
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    ) {
      throw new TypeError(`breaker.${name} must be a number ≥ ${min}`);
    }
  }
  if (
    options.cooldownMs !== undefined &&
    options.maxCooldownMs !== undefined &&
    options.cooldownMs > options.maxCooldownMs
  ) {
    throw new TypeError('breaker.cooldownMs must not exceed breaker.maxCooldownMs');
  }
}

/** A circuit breaker over a store; the clock is injected so tests run on fake time. */
export function createCircuitBreaker(
  options: CircuitBreakerOptions,
  store: ResilienceStore,
  onChange: CircuitListener = () => {},
  now: () => number = Date.now,
): CircuitBreaker {
  validate(options);
  const o = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  const stateKey = (key: string) => `breaker:${key}`;
  const keepMs = () => o.maxCooldownMs * 4;
  /** Keys this process let a probe through for: their outcome decides the breaker. */
  const probing = new Set<string>();

  const open = async (key: string, opens: number, from: CircuitState) => {
    const cooldown = Math.min(o.maxCooldownMs, o.cooldownMs * 2 ** Math.max(0, opens - 1));
    await store.open(stateKey(key), now() + cooldown, opens, keepMs());
    onChange({ key, from, to: 'open' });
  };

  return {
    async acquire(key) {
      const state = await store.openState(stateKey(key));
      if (state === undefined) return { allowed: true, state: 'closed' };
      const wait = state.until - now();
      if (wait > 0) return { allowed: false, state: 'open', retryAfterMs: wait };
      // Cool-down over: exactly one caller across the fleet gets the probe.
      if (await store.claimProbe(stateKey(key), o.cooldownMs)) {
        probing.add(key);
        onChange({ key, from: 'open', to: 'half-open' });
        return { allowed: true, state: 'half-open' };
      }
      return { allowed: false, state: 'half-open', retryAfterMs: o.cooldownMs };
    },
    async record(key, outcome) {
      const wasProbe = probing.delete(key);
      if (outcome === 'success') {
        if (wasProbe) {
          await store.reset(stateKey(key));
          onChange({ key, from: 'half-open', to: 'closed' });
        } else if ((await store.openState(stateKey(key))) === undefined) {
          await store.reset(stateKey(key));
        }
        return;
      }
      if (wasProbe) {
        const state = await store.openState(stateKey(key));
        await open(key, (state?.opens ?? 1) + 1, 'half-open');
        return;
      }
      const failures = await store.recordFailure(stateKey(key), o.failureWindowMs);
      if (failures === o.threshold && (await store.openState(stateKey(key))) === undefined) {
        await open(key, 1, 'closed');
      }
    },
  };
}

/**
 * The breaker key of a request: method and path template (segments that look like refs become
 * `:ref`), and the PSP channel when the request names one, so one PSP's outage does not stop
 * payments through another.
 */
export function breakerKeyOf(method: string, url: string, channel?: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0] ?? url;
  }
  const template = path
    .split('/')
    .map((segment) => (segment === '' || /^[A-Za-z]+$/.test(segment) ? segment : ':ref'))
    .join('/');
  return `${method.toUpperCase()} ${template}${channel ? ` #${channel}` : ''}`;
}
