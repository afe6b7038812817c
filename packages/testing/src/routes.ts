import { lookupOperation, type OperationInfo } from '@portone-retry/core';
import type { Handler } from './handlers/context.js';
import * as links from './handlers/links.js';
import * as merchant from './handlers/merchant.js';
import * as payments from './handlers/payments.js';
import * as payouts from './handlers/payouts.js';
import * as refunds from './handlers/refunds.js';
import * as subscriptions from './handlers/subscriptions.js';

/**
 * The simulator's routes: one handler per operation of core's catalogue (every path and method
 * of PortOne's four specs), keyed by the catalogue's id. A test checks that every catalogued
 * operation has one.
 */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  createAuthToken: merchant.createAuthToken,
  generateSignature: merchant.generateSignature,
  initiatePayment: payments.initiatePayment,
  createPaymentLink: links.createPaymentLink,
  updatePaymentLink: links.updatePaymentLink,
  updatePaymentLinkStatus: links.updatePaymentLinkStatus,
  addWebhook: merchant.addWebhook,
  listWebhooks: merchant.listWebhooks,
  getTransactionStatus: payments.getTransactionStatus,
  getTransactionDetails: payments.getTransactionDetails,
  getPaymentLinkStatusDeprecated: links.getPaymentLinkStatus,
  getPaymentLinkStatusByPortOneRef: links.getPaymentLinkStatusByPortOneRef,
  getPaymentLinkStatus: links.getPaymentLinkStatus,
  addPayChannel: merchant.addPayChannel,
  updatePayChannel: merchant.addPayChannel,
  getPayChannel: merchant.getPayChannel,
  updateTransactionStatus: payments.updateTransactionStatus,
  captureTransaction: payments.captureTransaction,
  updateTransactionDetails: payments.updateTransactionDetails,
  fetchAllPayments: payments.fetchAllPayments,
  createRefund: refunds.createRefund,
  listRefunds: refunds.listRefunds,
  createPlan: subscriptions.createPlan,
  updatePlanStatus: subscriptions.updatePlanStatus,
  getPlan: subscriptions.getPlan,
  createSubscription: subscriptions.createSubscription,
  createDeduction: subscriptions.createDeduction,
  triggerNextDeduction: subscriptions.triggerNextDeduction,
  getSubscription: subscriptions.getSubscription,
  getSubscriptionTransactions: subscriptions.getSubscriptionTransactions,
  updateSubscriptionStatus: subscriptions.updateSubscriptionStatus,
  fetchPayouts: payouts.fetchPayouts,
  getVirtualAccountBalance: payouts.getVirtualAccountBalance,
  createPayout: payouts.createPayout,
  listVirtualAccounts: payouts.listVirtualAccounts,
  verifyBeneficiaryAccount: payouts.verifyBeneficiaryAccount,
  getVirtualAccountStatement: payouts.getVirtualAccountStatement,
  getPayoutStatus: payouts.getPayoutStatus,
  cancelPayout: payouts.cancelPayout,
  generateVerifyOtp: payouts.generateVerifyOtp,
  generateApproveOtp: payouts.generateApproveOtp,
  approvePayouts: payouts.approvePayouts,
  createBeneficiary: payouts.createBeneficiary,
  listBeneficiaries: payouts.listBeneficiaries,
  verifyPayouts: payouts.verifyPayouts,
  downloadVirtualAccountStatement: payouts.downloadVirtualAccountStatement,
  resendVerifyOtp: payouts.resendVerifyOtp,
  resendApproveOtp: payouts.resendApproveOtp,
};

/** A request's operation and decoded path params, or undefined for a path PortOne lacks. */
export function routeOf(
  method: string,
  path: string,
): { op: OperationInfo; params: Record<string, string>; handler: Handler } | undefined {
  const op = lookupOperation(method, path);
  const handler = op === undefined ? undefined : HANDLERS[op.id];
  if (op === undefined || handler === undefined) return undefined;
  const template = op.path.split('/');
  const actual = path.slice(path.indexOf('/api/')).split('/');
  const params: Record<string, string> = {};
  template.forEach((part, i) => {
    const name = /^\{(.+)\}$/.exec(part)?.[1];
    if (name === undefined) return;
    try {
      params[name] = decodeURIComponent(actual[i] ?? '');
    } catch {
      params[name] = actual[i] ?? '';
    }
  });
  return { op, params, handler };
}
