import type { OperationInfo } from '@portone-retry/core';
import type { Ledger } from '../ledger.js';
import type { Reply } from '../shapes.js';
import type { Step } from '../steps.js';

/** What a handler gets: the operation, its path params, the parsed body and the step. */
export interface RouteContext {
  readonly op: OperationInfo;
  /** Path params, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly query: URLSearchParams;
  /** The scripted step for this request (`{}` when none). */
  readonly step: Step;
  readonly ledger: Ledger;
  /** Whether a repeated merchant ref is refused with 4002 (the `dedupe` option). */
  readonly dedupe: boolean;
  /** The simulator's `auth` option: the merchant key (and secret) the auth-token endpoint accepts. */
  readonly auth: { readonly key: string; readonly secret?: string | undefined } | undefined;
  /** The merchant's key and secret for `signature_hash`, when the simulator was given them. */
  readonly merchant: { readonly key: string; readonly secret: string } | undefined;
}

/** One operation's behaviour. */
export type Handler = (context: RouteContext) => Reply;

/** A number from a body field, or undefined. */
export const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** A string from a body field ('' when absent). */
export const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
