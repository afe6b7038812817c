/** Shared helpers of the testing kit's own tests. */
import { createHmac } from 'node:crypto';
import { paymentRequest } from '../src/index.js';

/** The fields of PortOne's answers the tests look at. */
export interface Answer {
  is_success?: boolean;
  status_code?: string;
  status_reason?: string;
  message?: string;
  order_ref?: string;
  merchant_order_ref?: string;
  content?: { status?: string; order_ref?: string; channel_order_ref?: string };
}

/** Reads a response body as PortOne's JSON answer. */
export async function answerOf(res: Response): Promise<Answer> {
  return (await res.json()) as Answer;
}

/** `POST /api/initiatePayment` for this merchant order ref. */
export function create(
  baseUrl: string,
  ref: string,
  init: { amount?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/initiatePayment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(paymentRequest(ref, { amount: init.amount ?? 1000 })),
  });
}

/** `GET /api/transaction/{ref}/status`. */
export function status(
  baseUrl: string,
  ref: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/transaction/${encodeURIComponent(ref)}/status`, { headers });
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned-looking JWT (the simulator reads the payload, it does not verify the signature). */
export function jwt(payload: Record<string, unknown>): string {
  return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}.not-a-real-signature`;
}

/** A JWT signed with HS256 by node:crypto, as PortOne's docs build one. */
export function signedJwt(payload: Record<string, unknown>, secret: string): string {
  const input = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Seconds since the epoch, as JWTs count time. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
