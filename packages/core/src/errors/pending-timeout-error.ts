import type { PaymentStatus } from '../types.js';
import { brandErrorClass, PortOneError, type PortOneErrorInit } from './portone-error.js';

/**
 * A pending payment did not settle before the poll deadline. It carries everything needed to
 * reconcile it later (order ref, last status, attempts, elapsed time): the payment is not lost,
 * only not final yet. PortOne's webhook will deliver its final state.
 */
export class PortOnePendingTimeoutError extends PortOneError {
  override name = 'PortOnePendingTimeoutError' as const;
  /** The last payment status seen (usually `Pending`). */
  readonly lastStatus: PaymentStatus | undefined;
  /** The last PortOne code seen. */
  readonly lastCode: number | undefined;
  /** Time from the first attempt to giving up, in ms. */
  readonly elapsedMs: number;

  constructor(
    init: PortOneErrorInit & {
      lastStatus?: PaymentStatus | undefined;
      lastCode?: number | undefined;
      elapsedMs: number;
    },
  ) {
    super(init);
    this.lastStatus = init.lastStatus;
    this.lastCode = init.lastCode;
    this.elapsedMs = init.elapsedMs;
  }

  protected override extraJSON(): Record<string, unknown> {
    return { lastStatus: this.lastStatus, lastCode: this.lastCode, elapsedMs: this.elapsedMs };
  }
}

brandErrorClass(PortOnePendingTimeoutError, 'PortOnePendingTimeoutError');
