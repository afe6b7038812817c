import { brandErrorClass, PortOneError, type PortOneErrorInit } from './portone-error.js';

/**
 * The circuit breaker for this endpoint (or PSP channel) is open: recent calls failed, so this
 * one failed fast without being sent. Nothing reached PortOne; it is safe to try again later.
 */
export class PortOneCircuitOpenError extends PortOneError {
  override name = 'PortOneCircuitOpenError' as const;
  /** The breaker key (method, path template, channel). */
  readonly key: string;
  /** When the breaker will let a probe through, in ms from now. */
  readonly retryAfterMs: number | undefined;

  constructor(init: PortOneErrorInit & { key: string; retryAfterMs?: number | undefined }) {
    super(init);
    this.key = init.key;
    this.retryAfterMs = init.retryAfterMs;
  }

  protected override extraJSON(): Record<string, unknown> {
    return { key: this.key, retryAfterMs: this.retryAfterMs };
  }
}

brandErrorClass(PortOneCircuitOpenError, 'PortOneCircuitOpenError');
