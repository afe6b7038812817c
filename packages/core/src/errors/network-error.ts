import type { TransportFailure } from '../types.js';
import { brandErrorClass, PortOneError, type PortOneErrorInit } from './portone-error.js';

/** No answer was read: the connection was refused, reset or dropped. */
export class PortOneNetworkError extends PortOneError {
  override name = 'PortOneNetworkError' as const;
  /** How the failure relates to the request. */
  readonly transport: TransportFailure;

  constructor(init: PortOneErrorInit & { ambiguous: boolean; transport: TransportFailure }) {
    super(init);
    this.transport = init.transport;
  }

  protected override extraJSON(): Record<string, unknown> {
    return { ambiguous: this.ambiguous, transport: this.transport };
  }
}

brandErrorClass(PortOneNetworkError, 'PortOneNetworkError');
