/**
 * Section 6: what redaction costs, in µs per KB of input: a typical create body (an object, as
 * an error's `response` carries it) and hostile text of 1 MB that a customer could put in an
 * order field (the text is cut to 64 KiB before any pattern runs). Median of interleaved rounds.
 */
import { redact } from '@portone-retry/core';
import { median } from './lib.js';

export interface RedactionRow {
  readonly input: string;
  readonly kb: number;
  readonly usPerKb: number;
}

const createBody = {
  merchant_order_id: 'ORDER-1001',
  amount: 25_000,
  currency: 'KRW',
  pmt_channel: 'STRIPE',
  pmt_method: 'STRIPE_CARD',
  key: 'merchant-key-123',
  signature_hash: 'c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU=',
  card_details: {
    card_number: 4111111111111111,
    cvv: 123,
    expiry_month: '12',
    expiry_year: '2030',
  },
  billing_details: { name: 'Kim Min-jun', email: 'min@example.com', phone: '+82 10 1234 5678' },
  order_details: Array.from({ length: 12 }, (_, i) => ({
    id: `item-${i}`,
    name: `Product ${i} — a description long enough to look like a real line`,
    price: 1000 + i,
    quantity: 1,
  })),
};
const hostile = 'eyJ-'.repeat(262_144);

function microsPerKb(value: unknown, bytes: number, rounds: number): number {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    redact(value);
    samples.push(((performance.now() - started) * 1000) / (bytes / 1024));
  }
  return median(samples);
}

export function runRedaction(rounds: number): RedactionRow[] {
  const bodyBytes = Buffer.byteLength(JSON.stringify(createBody));
  const rows = [
    { input: 'create body (object)', value: createBody, bytes: bodyBytes },
    { input: 'hostile text eyJ-eyJ-… (1 MB)', value: hostile, bytes: hostile.length },
  ];
  return rows.map(({ input, value, bytes }) => ({
    input,
    kb: bytes / 1024,
    usPerKb: microsPerKb(value, bytes, rounds),
  }));
}
