import { brandErrorClass, PortOneError, type PortOneErrorInit } from './portone-error.js';

/**
 * The bank or card refused the payment (6000 series). Never retried automatically: card networks
 * penalise re-attempts. Show `customerMessage` to the customer.
 */
export class PortOneCardError extends PortOneError {
  override name = 'PortOneCardError' as const;
  /** A short, actionable sentence that is safe to show the customer. */
  declare readonly customerMessage: string;

  constructor(init: PortOneErrorInit & { customerMessage: string }) {
    super(init);
  }
}

brandErrorClass(PortOneCardError, 'PortOneCardError');
