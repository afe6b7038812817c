import { brandErrorClass, PortOneError, type PortOneErrorInit } from './portone-error.js';

/** Which clock ran out. */
export type TimeoutPhase = 'attempt' | 'deadline' | 'poll';

/** An attempt, or the whole call, ran past its time. The request may have been processed. */
export class PortOneTimeoutError extends PortOneError {
  override name = 'PortOneTimeoutError' as const;
  /** The limit that was reached, in ms. */
  readonly timeoutMs: number | undefined;
  /** `attempt` (per-attempt timeout), `deadline` (overall deadline) or `poll`. */
  readonly phase: TimeoutPhase;

  constructor(
    init: PortOneErrorInit & {
      phase: TimeoutPhase;
      timeoutMs?: number | undefined;
    },
  ) {
    // A timed-out request may have reached PortOne: reconcile before re-sending a create.
    super({ ...init, ambiguous: init.ambiguous ?? true });
    this.phase = init.phase;
    this.timeoutMs = init.timeoutMs;
  }

  protected override extraJSON(): Record<string, unknown> {
    return { phase: this.phase, timeoutMs: this.timeoutMs, ambiguous: this.ambiguous };
  }
}

brandErrorClass(PortOneTimeoutError, 'PortOneTimeoutError');
