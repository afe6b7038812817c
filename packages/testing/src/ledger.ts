import type { PaymentStatus } from '@portone-retry/core';

/** One payment the simulator actually created. */
export interface LedgerPayment {
  /** The merchant's order ref (`merchant_order_id` / `merchant_order_ref`). */
  readonly merchantOrderRef: string;
  /** PortOne's own reference for the payment. */
  readonly orderRef: string;
  readonly kind: 'payment' | 'link' | 'subscription';
  readonly amount: number | undefined;
  status: PaymentStatus;
  /** Status polls left before a pending payment settles. */
  pollsLeft: number;
  /** The status it settles to. */
  settleTo: PaymentStatus;
  captured: boolean;
  refunded: number;
}

/**
 * For every merchant order ref, the payments the simulator actually created. Tests and
 * benchmarks use it to prove that no customer was charged twice.
 */
export class Ledger {
  private readonly byRef = new Map<string, LedgerPayment[]>();
  private sequence = 0;

  /** Records a new payment and returns it. */
  create(
    merchantOrderRef: string,
    init: Partial<
      Pick<LedgerPayment, 'kind' | 'amount' | 'status' | 'pollsLeft' | 'settleTo'>
    > = {},
  ): LedgerPayment {
    const payment: LedgerPayment = {
      merchantOrderRef,
      orderRef: `PO${(++this.sequence).toString().padStart(8, '0')}`,
      kind: init.kind ?? 'payment',
      amount: init.amount,
      status: init.status ?? 'Success',
      pollsLeft: init.pollsLeft ?? 0,
      settleTo: init.settleTo ?? 'Success',
      captured: false,
      refunded: 0,
    };
    const list = this.byRef.get(merchantOrderRef);
    if (list) list.push(payment);
    else this.byRef.set(merchantOrderRef, [payment]);
    return payment;
  }

  /** How many payments were created for this merchant order ref (1 is right; 2 is a double charge). */
  count(merchantOrderRef: string): number {
    return this.byRef.get(merchantOrderRef)?.length ?? 0;
  }

  /** The first payment of a merchant order ref (or of a PortOne order ref). */
  get(ref: string): LedgerPayment | undefined {
    const direct = this.byRef.get(ref)?.[0];
    if (direct) return direct;
    for (const list of this.byRef.values()) {
      const match = list.find((p) => p.orderRef === ref);
      if (match) return match;
    }
    return undefined;
  }

  /** Every payment created, in order. */
  entries(): LedgerPayment[] {
    return [...this.byRef.values()].flat();
  }

  /** Payments created in all. */
  total(): number {
    return this.entries().length;
  }

  /** Merchant order refs with more than one payment: customers charged twice. */
  duplicates(): string[] {
    return [...this.byRef.entries()].filter(([, list]) => list.length > 1).map(([ref]) => ref);
  }

  /** Forgets every payment. */
  reset(): void {
    this.byRef.clear();
    this.sequence = 0;
  }
}
