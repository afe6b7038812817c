import type { WebhookStatus } from './webhook.js';

/**
 * How far along a payment a status is. Webhooks arrive late and out of order, and PortOne's
 * carry no timestamp, so a status is applied only when it is at least as far along as the one
 * already applied: a late `Pending` never undoes a `Success`, a replayed `Success` never undoes
 * a `Refunded`.
 */
function stageOf(status: WebhookStatus): number {
  switch (status) {
    // Still in progress: the customer or the PSP has yet to act.
    case 'Initiated':
    case 'Pending':
      return 0;
    // After a final status: only a refund moves a settled payment on.
    case 'Refunded':
      return 2;
    // Success, Failed, Expired, and any status PortOne adds later: final until shown otherwise,
    // so that nothing in progress overwrites it.
    default:
      return 1;
  }
}

/** True for a status after which a pending call has its answer. */
export function isFinalStatus(status: WebhookStatus): status is 'Success' | 'Failed' | 'Expired' {
  return status === 'Success' || status === 'Failed' || status === 'Expired';
}

/**
 * True when `next`, for an order whose applied status is `applied`, is a replay: the same status
 * again, or one from an earlier stage arriving late.
 */
export function isReplay(applied: WebhookStatus | undefined, next: WebhookStatus): boolean {
  if (applied === undefined) return false;
  return next === applied || stageOf(next) < stageOf(applied);
}
