/**
 * Secrets as a hostile reviewer would plant them (PortOne keys and secrets, JWTs, signature
 * hashes, Luhn-valid card numbers, CVVs, OTPs), and the search for them in everything the SDK
 * hands back about a failed call: message, stack, `toJSON()`, `util.inspect`, every level of the
 * `cause` chain and every event payload. Shared by the redaction and hostile-input suites.
 */
import { inspect } from 'node:util';
import { isPortOneError, type PortOneError } from '@portone-retry/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { recordEvents } from './support.js';

export interface Secrets {
  readonly key: string;
  readonly secret: string;
  readonly jwt: string;
  readonly signature: string;
  /** 16 digits, Luhn-valid. */
  readonly card: string;
  /** The same card as a customer types it: groups of four. */
  readonly cardSpaced: string;
  readonly cvv: string;
  readonly otp: string;
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');

export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Counting from the right of the full number, the check digit is position 1: double the odd.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export const secretsArb: fc.Arbitrary<Secrets> = fc
  .record({
    key: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{15}$/),
    secret: fc.stringMatching(/^[0-9a-f]{64}$/),
    iat: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
    jwtSignature: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    signatureBytes: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    cardBody: fc.stringMatching(/^[3-6]\d{14}$/),
    cvv: fc.stringMatching(/^\d{3,4}$/),
    otp: fc.stringMatching(/^\d{6}$/),
  })
  .map((g) => {
    const card = `${g.cardBody}${luhnCheckDigit(g.cardBody)}`;
    const jwt = [
      base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
      base64url(JSON.stringify({ iss: 'PORTONE', sub: g.key, iat: g.iat, exp: g.iat + 21_600 })),
      g.jwtSignature,
    ].join('.');
    return {
      key: g.key,
      secret: g.secret,
      jwt,
      signature: Buffer.from(g.signatureBytes).toString('base64'),
      card,
      cardSpaced: card.replace(/(\d{4})(?=\d)/g, '$1 '),
      cvv: g.cvv,
      otp: g.otp,
    };
  });

export function passesLuhn(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

/** The secrets (by name) that appear in `haystack`. */
export function leaksIn(haystack: string, s: Secrets): string[] {
  const found: string[] = [];
  const plain: [string, string][] = [
    ['key', s.key],
    ['secret', s.secret],
    ['jwt', s.jwt],
    ['signature_hash', s.signature],
    ['card', s.card],
    ['card (spaced)', s.cardSpaced],
  ];
  for (const [name, value] of plain) if (haystack.includes(value)) found.push(name);
  // Three to six digits turn up by chance (ports, ids, timings): look for them by their label.
  if (new RegExp(`(cvv|cvc)\\W{0,6}${s.cvv}(?!\\d)`, 'i').test(haystack)) found.push('cvv');
  if (new RegExp(`otp\\W{0,6}${s.otp}(?!\\d)`, 'i').test(haystack)) found.push('otp');
  if (/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(haystack)) found.push('a JWT-shaped string');
  return found;
}

/** Everything the SDK hands back about one failed call, as text. */
export function surfaces(
  error: unknown,
  events: ReturnType<typeof recordEvents>,
): Record<string, string> {
  const e = error as PortOneError;
  const out: Record<string, string> = {
    message: e.message,
    stack: e.stack ?? '',
    'JSON.stringify(error)': JSON.stringify(e),
    'toJSON()': JSON.stringify(e.toJSON()),
    'inspect(error)': inspect(e, { depth: 10 }),
    'inspect(error.cause)': inspect(e.cause, { depth: 10 }),
    'String(error.cause)': String(e.cause),
    ...causeChainSurfaces(e.cause),
  };
  events.log.forEach((entry, i) => {
    out[`event ${i} (${entry.event})`] = JSON.stringify(entry.payload);
  });
  return out;
}

/** Every level of a cause chain below the first, each printed and serialised. */
function causeChainSurfaces(cause: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  let level = cause;
  for (let depth = 1; depth <= 6 && typeof level === 'object' && level !== null; depth++) {
    const label = `error.cause${'.cause'.repeat(depth - 1)}`;
    out[`JSON.stringify(${label})`] = safeStringify(level);
    out[`String(${label})`] = String(level);
    level = (level as { cause?: unknown }).cause;
    if (level !== undefined) out[`inspect(${label}.cause)`] = inspect(level, { depth: 10 });
  }
  return out;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Which surfaces to search: all of them, all but the raw `cause`, or the `cause` alone. */
export type Scope = 'all' | 'error' | 'cause';

export function expectNoLeak(
  error: unknown,
  events: ReturnType<typeof recordEvents>,
  s: Secrets,
  scope: Scope = 'all',
): void {
  expect(isPortOneError(error), String(error)).toBe(true);
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(surfaces(error, events))) {
    const ofCause = where.includes('error.cause');
    if ((scope === 'error' && ofCause) || (scope === 'cause' && !ofCause)) continue;
    for (const name of leaksIn(text, s)) leaks.push(`${name} in ${where}`);
  }
  expect(leaks).toEqual([]);
}

export const credentials = (s: Secrets) => ({
  Authorization: `Bearer ${s.jwt}`,
  'X-Portone-Client-Key': s.key,
});

/** Free text mentioning the secrets the way logs, PSPs and proxies write them. */
export const secretText = (s: Secrets) =>
  [
    `Authorization: Bearer ${s.jwt}`,
    `token ${s.jwt} rejected`,
    `signature_hash=${s.signature}`,
    `{"signature_hash":"${s.signature}"}`,
    `card ${s.card} declined`,
    `card ${s.cardSpaced} declined`,
    `cvv=${s.cvv}`,
    `"cvv": "${s.cvv}"`,
    `otp: ${s.otp}`,
    `key=${s.key}&secret=${s.secret}`,
    `X-Portone-Client-Key: ${s.key}`,
    // PortOne's own field names, as its docs and answers spell them.
    `portone_key=${s.key}`,
    `portone_secret: ${s.secret}`,
    `{"secretKey":"${s.secret}"}`,
  ].join('; ');

/** A PortOne error envelope quoting every secret back, where an answer can carry them. */
export const envelopeWithSecrets = (s: Secrets, code: string) => ({
  status_code: code,
  status_reason: 'INVALID_REQUEST_DATA',
  message: `invalid request: ${secretText(s)}`,
  content: {
    portone_key: s.key,
    portone_secret: s.secret,
    secretKey: s.secret,
    signature_hash: s.signature,
    token: s.jwt,
    card_number: s.card,
    cvv: s.cvv,
    otp: s.otp,
    echo: secretText(s),
  },
});
