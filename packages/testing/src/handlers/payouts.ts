import type { LedgerPayout } from '../ledger.js';
import { type Reply, refused, reply, timestamp } from '../shapes.js';
import { type Handler, numberOf, textOf } from './context.js';

/** PortOne's payout answers name the status `status_message` in places; the examples are kept. */
const done = (message: string, fields: Record<string, unknown> = {}): Reply =>
  reply(200, { ...fields, message, status_code: '2000', status_reason: 'SUCCESS' });

const noPayout = (ref: string): Reply => refused(400, 4001, `Payout ${ref} not found`);

function listed(payout: LedgerPayout) {
  return {
    vaaccount_no: payout.virtualAccount,
    txn_ref: payout.txnRef,
    merchant_txn_ref: payout.merchantTxnRef,
    status: payout.status,
    status_channel_reason: '',
    is_approved: payout.status === 'Success',
    approved_by: '',
    approved_time: '0001-01-01T00:00:00Z',
    is_verified: payout.status === 'Verified' || payout.status === 'Success',
    verified_by: '',
    verified_time: '0001-01-01T00:00:00Z',
    due_date: payout.createdAt,
    to_account_no: payout.accountNo,
    channel_ref: '',
    amount: payout.amount,
    currency: payout.currency,
    environment: 'sandbox',
  };
}

/** A payout, `Created` until approved; its money moves at approval. */
export const createPayout: Handler = ({ ledger, body, dedupe }) => {
  const details = (body.txn_details ?? {}) as Record<string, unknown>;
  const bank = (details.bank_details ?? {}) as Record<string, unknown>;
  const merchantTxnRef = textOf(details.txn_ref);
  if (dedupe && [...ledger.payouts.values()].some((p) => p.merchantTxnRef === merchantTxnRef)) {
    return refused(400, 4002, `duplicate txn_ref: ${merchantTxnRef}`);
  }
  const txnRef = ledger.nextRef('PARTNERTEST');
  ledger.payouts.set(txnRef, {
    merchantTxnRef,
    txnRef,
    amount: numberOf(details.amount) ?? 0,
    currency: textOf(details.currency),
    virtualAccount: textOf(details.virtual_acc_no),
    accountNo: textOf(bank.account_no),
    status: 'Created',
    createdAt: timestamp(),
  });
  return reply(200, {
    is_success: 'true',
    message: 'Payout created successfully',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

export const fetchPayouts: Handler = ({ ledger, body }) => {
  const page = Math.max(1, numberOf(body.page) ?? 1);
  const size = Math.max(1, numberOf(body.pagesize) ?? 10);
  const all = [...ledger.payouts.values()];
  const content = all.slice((page - 1) * size, page * size).map(listed);
  return reply(200, {
    content,
    total_elements: all.length,
    total_pages: Math.ceil(all.length / size),
    size,
    page,
    number_of_elements: content.length,
  });
};

/** By PortOne's txn reference (what the list shows as `txn_ref`). */
export const getPayoutStatus: Handler = ({ ledger, params }) => {
  const ref = params.portone_txn_reference ?? '';
  const payout = ledger.payouts.get(ref);
  return payout === undefined ? noPayout(ref) : reply(200, { Status: payout.status });
};

export const cancelPayout: Handler = ({ ledger, params }) => {
  const ref = params.portone_txn_reference ?? '';
  const payout = ledger.payouts.get(ref);
  if (payout === undefined) return noPayout(ref);
  if (payout.status === 'Success')
    return refused(400, 4001, 'An approved payout cannot be cancelled');
  payout.status = 'Cancelled';
  return done('The transaction status updated successfully to Cancelled state');
};

/** Payouts named by PortOne's txn refs, each one that exists and is not cancelled. */
function named(ledger: Parameters<Handler>[0]['ledger'], refs: unknown) {
  const list = Array.isArray(refs) ? refs.map(textOf) : [];
  const payouts = list.map((ref) => ledger.payouts.get(ref));
  const bad = list.find((_, i) => payouts[i] === undefined || payouts[i]?.status === 'Cancelled');
  return { payouts: payouts.filter((p): p is LedgerPayout => p !== undefined), bad };
}

export const verifyPayouts: Handler = ({ ledger, body }) => {
  const { payouts, bad } = named(ledger, body.txn_refs);
  if (bad !== undefined) return noPayout(bad);
  for (const payout of payouts) if (payout.status === 'Created') payout.status = 'Verified';
  return done('Transactions verified successfully!');
};

/** Approval moves the money: once per payout, however often it is approved. */
export const approvePayouts: Handler = ({ ledger, body }) => {
  const { payouts, bad } = named(ledger, body.txn_refs);
  if (bad !== undefined) return noPayout(bad);
  for (const payout of payouts) {
    if (payout.status === 'Success') continue;
    payout.status = 'Success';
    ledger.move({
      kind: 'payout',
      ref: payout.merchantTxnRef,
      amount: payout.amount,
      currency: payout.currency,
    });
  }
  return reply(200, {
    content: payouts.map((p) => ({ txn_ref: p.txnRef, status: p.status, created_at: p.createdAt })),
    message: 'Transactions approved successfully!',
    status_code: '2000',
    status_message: 'Success',
  });
};

/** An OTP is "sent"; the simulator accepts any OTP on approval and verification. */
const otp =
  (action: 'verify' | 'approve'): Handler =>
  ({ body }) =>
    done(`OTP sent successfully on ${textOf(body.email)}`, {
      action,
      type: textOf(body.two_fa_type),
    });

export const generateVerifyOtp = otp('verify');
export const generateApproveOtp = otp('approve');
export const resendVerifyOtp = otp('verify');
export const resendApproveOtp: Handler = () =>
  reply(200, {
    message: 'OTP sent successfully',
    status_code: '2000',
    status_message: 'Success',
  });

/** Virtual accounts are not modelled: one per merchant, its balance what payouts took from it. */
const balanceOf = (ledger: Parameters<Handler>[0]['ledger'], account: string): number =>
  -ledger
    .moves('payout')
    .map((m) => [...ledger.payouts.values()].find((p) => p.merchantTxnRef === m.ref))
    .filter((p) => p?.virtualAccount === account)
    .reduce((sum, p) => sum + (p?.amount ?? 0), 0);

export const getVirtualAccountBalance: Handler = ({ ledger, params }) =>
  reply(200, { Balance: balanceOf(ledger, params.va_number ?? '') });

export const listVirtualAccounts: Handler = ({ ledger, params }) => {
  const accounts = [...new Set([...ledger.payouts.values()].map((p) => p.virtualAccount))];
  return reply(200, {
    content: accounts.map((account) => ({
      account_no: account,
      account_name: params.key ?? '',
      bank_code: '',
      bank_name: '',
      start_date: timestamp(),
      channel_key: '',
      end_date: timestamp(),
      balance: balanceOf(ledger, account),
      currency: '',
      condition: 'NO_CONDITION',
      conditional_amount: 0,
    })),
    total_elements: accounts.length,
  });
};

function statement(ledger: Parameters<Handler>[0]['ledger'], account: string) {
  return [...ledger.payouts.values()]
    .filter((p) => p.virtualAccount === account && p.status === 'Success')
    .map((p) => ({
      created_at: p.createdAt,
      vaaccount_no: account,
      txn_ref: p.txnRef,
      to_account_no: p.accountNo,
      channel_ref: '',
      amount: p.amount,
      txn_type: 'Debit',
      balance: balanceOf(ledger, account),
      actual_txn_time: p.createdAt,
      currency: p.currency,
    }));
}

export const getVirtualAccountStatement: Handler = ({ ledger, params, body }) => {
  const rows = statement(ledger, params.va_number ?? '');
  const page = Math.max(1, numberOf(body.page) ?? 1);
  const size = Math.max(1, numberOf(body.pagesize) ?? 10);
  const content = rows.slice((page - 1) * size, page * size);
  return reply(200, {
    content,
    total_elements: rows.length,
    total_pages: Math.ceil(rows.length / size),
    size,
    page,
    number_of_elements: content.length,
  });
};

export const downloadVirtualAccountStatement: Handler = ({ ledger, params }) =>
  reply(200, {
    content: statement(ledger, params.va_number ?? ''),
    message: 'Statement fetched successfully!',
    status_code: '2000',
    status_message: 'Success',
  });

/** Every account verifies, under the name given. */
export const verifyBeneficiaryAccount: Handler = ({ body }) =>
  reply(200, {
    is_verified: 'true',
    bank_number: textOf(body.bank_number),
    account_number: textOf(body.account_number),
    account_name: textOf(body.account_name),
    request_id: textOf(body.request_id),
  });

export const createBeneficiary: Handler = ({ ledger, body }) => {
  const beneficiary = {
    uuid: `${ledger.nextRef('BN')}-0000-4000-8000-000000000000`,
    name: textOf(body.name),
    email: textOf(body.email),
    phone: textOf(body.phone),
    address: textOf(body.address),
  };
  ledger.beneficiaries.push({ ...beneficiary, ...body });
  return reply(200, beneficiary);
};

export const listBeneficiaries: Handler = ({ ledger }) =>
  reply(200, {
    content: ledger.beneficiaries.map((b) => ({
      email_address: textOf(b.email),
      status: 'ACTIVE',
      created_at: timestamp(),
    })),
    message: 'Beneficiaries fetched successfully!',
    status_code: '2000',
    status_message: 'Success',
  });
