import type { PaymentStatus } from '@portone-retry/core';

/** One payment (or link, subscription, deduction) the simulator actually created. */
export interface LedgerPayment {
  /** The merchant's order ref (`merchant_order_id` / `merchant_order_ref`). */
  readonly merchantOrderRef: string;
  /** PortOne's own reference for the payment. */
  readonly orderRef: string;
  readonly kind: 'payment' | 'link' | 'subscription' | 'deduction';
  readonly amount: number | undefined;
  /** The currency asked for, when given. */
  readonly currency?: string | undefined;
  status: PaymentStatus;
  /** Status polls left before a pending payment settles. */
  pollsLeft: number;
  /** The status it settles to. */
  settleTo: PaymentStatus;
  /** `PREAUTH` payments are authorised only, until captured. @default 'PURCHASE' */
  transactionType?: 'PURCHASE' | 'PREAUTH';
  captured: boolean;
  /** The amount refunded so far. */
  refunded: number;
  /** The request's fields, for the answers that echo them (links, subscriptions). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** A link's or a subscription's own state, when not a payment's (`Created`, `Cancelled`). */
  state?: string;
}

/** A money move on something that exists: every one the simulator made, in order. */
export interface LedgerMove {
  readonly kind: 'refund' | 'capture' | 'deduction' | 'payout' | 'status';
  /**
   * What the money moved on: PortOne's order ref (refund, capture), the subscription's order ref
   * (deduction), the merchant's `txn_ref` (payout), the merchant order ref (status set).
   */
  readonly ref: string;
  readonly amount?: number | undefined;
  readonly currency?: string | undefined;
  /** Refund type, the status set, or how a deduction came (`ondemand`, `next`). */
  readonly detail?: string | undefined;
  readonly at: string;
}

/** A plan made by `createPlan`. */
export interface LedgerPlan {
  readonly merchantOrderRef: string;
  readonly orderRef: string;
  readonly fields: Readonly<Record<string, unknown>>;
  active: boolean;
}

/** A payout made by `POST /api/payout/transaction`. */
export interface LedgerPayout {
  /** The merchant's `txn_details.txn_ref`. */
  readonly merchantTxnRef: string;
  /** PortOne's reference (what the status, cancel and approval endpoints take). */
  readonly txnRef: string;
  readonly amount: number;
  readonly currency: string;
  readonly virtualAccount: string;
  readonly accountNo: string;
  status: 'Created' | 'Verified' | 'Success' | 'Cancelled';
  readonly createdAt: string;
}

/**
 * The simulator's money: every payment created per merchant order ref, and every money move
 * (refund, capture, deduction, payout) made on what exists. Tests use it to prove that money
 * moved exactly once: `count(ref)` for creates, `moves(kind, ref)` for the rest.
 */
export class Ledger {
  private readonly byRef = new Map<string, LedgerPayment[]>();
  private readonly moveList: LedgerMove[] = [];
  /** Plans by PortOne order ref. */
  readonly plans = new Map<string, LedgerPlan>();
  /** Payouts by PortOne txn ref. */
  readonly payouts = new Map<string, LedgerPayout>();
  /** Webhook endpoints added, with the merchant key they were added under. */
  readonly webhooks: Array<Record<string, unknown> & { key: string }> = [];
  /** Pay-channel credentials by `merchantKey/channelKey`, masked. */
  readonly payChannels = new Map<
    string,
    { key: string; country: string; creds: Record<string, string> }
  >();
  /** Beneficiaries created for payouts. */
  readonly beneficiaries: Array<Record<string, unknown>> = [];
  private sequence = 0;

  /** A new PortOne-style reference, `PO00000001` and on. */
  nextRef(prefix = 'PO'): string {
    return `${prefix}${(++this.sequence).toString().padStart(8, '0')}`;
  }

  /** Records a new payment and returns it. */
  create(
    merchantOrderRef: string,
    init: Partial<
      Pick<
        LedgerPayment,
        | 'kind'
        | 'amount'
        | 'currency'
        | 'status'
        | 'pollsLeft'
        | 'settleTo'
        | 'transactionType'
        | 'fields'
        | 'state'
      >
    > = {},
  ): LedgerPayment {
    const { kind = 'payment', status = 'Success', pollsLeft = 0, settleTo = 'Success' } = init;
    const payment: LedgerPayment = {
      ...init,
      merchantOrderRef,
      orderRef: this.nextRef(),
      kind,
      amount: init.amount,
      status,
      pollsLeft,
      settleTo,
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
    return this.byRef.get(ref)?.[0] ?? this.byOrderRef(ref);
  }

  /** The first payment of a merchant order ref only, as PortOne's status endpoint finds it. */
  byMerchantRef(merchantOrderRef: string): LedgerPayment | undefined {
    return this.byRef.get(merchantOrderRef)?.[0];
  }

  /** The payment with this PortOne order ref. */
  byOrderRef(orderRef: string): LedgerPayment | undefined {
    for (const list of this.byRef.values()) {
      const match = list.find((p) => p.orderRef === orderRef);
      if (match) return match;
    }
    return undefined;
  }

  /** Records a money move. */
  move(move: Omit<LedgerMove, 'at'>): LedgerMove {
    const recorded = { ...move, at: new Date().toISOString() };
    this.moveList.push(recorded);
    return recorded;
  }

  /** Money moves made, of one kind and on one ref when given, in order. */
  moves(kind?: LedgerMove['kind'], ref?: string): LedgerMove[] {
    return this.moveList.filter(
      (m) => (kind === undefined || m.kind === kind) && (ref === undefined || m.ref === ref),
    );
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

  /** Forgets every payment, move, plan and payout. */
  reset(): void {
    this.byRef.clear();
    this.moveList.length = 0;
    this.plans.clear();
    this.payouts.clear();
    this.webhooks.length = 0;
    this.payChannels.clear();
    this.beneficiaries.length = 0;
    this.sequence = 0;
  }
}
