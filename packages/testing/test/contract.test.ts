/**
 * The simulator against PortOne's four public specs: every operation served, a valid request
 * built from each spec answered with a documented status and the keys (and JSON types) of the
 * spec's example, every required field refused as PortOne refuses it, and the validation tables
 * equal to the specs' `required` lists. PortOne's own examples are the fixtures: a change in the
 * specs fails this test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OPERATIONS, type OperationInfo } from '@portone-retry/core';
import { PortOneBehaviour } from '@portone-retry/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HANDLERS } from '../src/routes.js';
import { REQUIRED_FIELDS } from '../src/validation.js';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
};
type SpecOperation = {
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
  responses?: Record<
    string,
    {
      content?: Record<
        string,
        { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }
      >;
    }
  >;
};
type Spec = { paths: Record<string, Record<string, SpecOperation>>; components?: unknown };

// Beside the repository (<repo>/../shared), or beside a worktree of it (<repo>/../../shared).
const reference = ['../../../../shared/reference/', '../../../../../shared/reference/']
  .map((dir) => fileURLToPath(new URL(dir, import.meta.url)))
  .find((dir) => existsSync(dir));
const FILES = ['payment', 'payout', 'refund', 'subscription'].map(
  (name) => `${reference ?? '/absent/'}${name}_openapispec.yaml`,
);
const present = FILES.every((file) => existsSync(file));
if (!present) console.warn('simulator contract: skipped, the specs are absent');

interface Entry {
  readonly key: string;
  readonly spec: Spec;
  readonly operation: SpecOperation;
}

function specEntries(): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const file of FILES) {
    const spec = parse(readFileSync(file, 'utf8')) as Spec;
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        entries.set(key, { key, spec, operation });
      }
    }
  }
  return entries;
}

const deref = (spec: Spec, schema: Schema | undefined): Schema | undefined => {
  let current = schema;
  for (let i = 0; current?.$ref !== undefined && i < 10; i++) {
    current = current.$ref
      .split('/')
      .slice(1)
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], spec) as Schema;
  }
  return current;
};

/** Required body fields as the simulator names them: dotted below a required object. */
function requiredOf(spec: Spec, schema: Schema | undefined, prefix = ''): string[] {
  const s = deref(spec, schema);
  return (s?.required ?? []).flatMap((name) => [
    `${prefix}${name}`,
    ...requiredOf(spec, s?.properties?.[name], `${prefix}${name}.`),
  ]);
}

/** A value of the schema's type, for a required field the example leaves out. */
function sample(spec: Spec, schema: Schema | undefined): unknown {
  const s = deref(spec, schema);
  if (s?.enum !== undefined) return s.enum[0];
  switch (s?.type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [sample(spec, s.items) ?? 'x'];
    case 'object':
    case undefined:
      if (s?.properties === undefined) return s?.type === 'object' ? {} : 'x';
      return fill(spec, s, {});
    default:
      return 'x';
  }
}

/** The example body with every required field present (PortOne's examples omit a few). */
function fill(
  spec: Spec,
  schema: Schema,
  example: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...example };
  for (const name of schema.required ?? []) {
    const property = deref(spec, schema.properties?.[name]);
    if (body[name] === undefined) body[name] = sample(spec, property);
    else if (property?.properties !== undefined && typeof body[name] === 'object') {
      body[name] = fill(spec, property, body[name] as Record<string, unknown>);
    }
  }
  return body;
}

function exampleBody(entry: Entry): Record<string, unknown> {
  const content = entry.operation.requestBody?.content?.['application/json'];
  const schema = deref(entry.spec, content?.schema);
  if (schema === undefined) return {};
  const example = (schema.example ?? content?.example ?? {}) as Record<string, unknown>;
  return fill(entry.spec, schema, typeof example === 'object' ? example : {});
}

const parseExample = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined; // an example that is not JSON (the payout create's lacks a comma)
  }
};

function successExample(entry: Entry): Record<string, unknown> | undefined {
  const content = entry.operation.responses?.['200']?.content?.['application/json'];
  const raw =
    content?.example ??
    content?.schema?.example ??
    Object.values(content?.examples ?? {})[0]?.value;
  const parsed = parseExample(raw);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/**
 * A simulator holding one of everything an operation can act on, and the path params and body
 * overrides that point the operation at it.
 */
function world() {
  const sim = new PortOneBehaviour();
  const ledger = sim.ledger;
  const paid = ledger.create('PAID-1', { amount: 1000, currency: 'THB' });
  const preauth = ledger.create('AUTH-1', {
    amount: 500,
    currency: 'THB',
    transactionType: 'PREAUTH',
  });
  const link = ledger.create('LINK-1', {
    kind: 'link',
    amount: 100,
    currency: 'THB',
    state: 'Created',
    fields: {},
  });
  const plan = ledger.nextRef();
  ledger.plans.set(plan, {
    merchantOrderRef: 'PLAN-1',
    orderRef: plan,
    active: true,
    fields: { amount: 100, currency: 'THB', plan_type: 'REGULAR', frequency: 1, period: 'M' },
  });
  const regular = ledger.create('SUB-1', {
    kind: 'subscription',
    state: 'Created',
    currency: 'THB',
    fields: { subscription_type: 'REGULAR', plan_order_ref: plan, quantity: 1 },
  });
  const ondemand = ledger.create('SUB-2', {
    kind: 'subscription',
    state: 'Created',
    currency: 'THB',
    fields: { subscription_type: 'ONDEMAND', plan_order_ref: plan },
  });
  const payout = 'PARTNERTEST-1';
  ledger.payouts.set(payout, {
    merchantTxnRef: 'TXN-1',
    txnRef: payout,
    amount: 100,
    currency: 'THB',
    virtualAccount: 'VA-1',
    accountNo: '123',
    status: 'Created',
    createdAt: new Date().toISOString(),
  });
  const params = (op: OperationInfo): Record<string, string> => ({
    merchantOrderRef: 'PAID-1',
    merchant_order_ref: 'PAID-1',
    order_ref: preauth.orderRef,
    portone_order_ref: paid.orderRef,
    payment_link_ref: link.orderRef,
    portOneLinkRef: link.orderRef,
    merchantLinkRef: 'LINK-1',
    orderRef: op.path.includes('/plan/') ? plan : regular.orderRef,
    status: 'cancelled',
    link_status: 'cancelled',
    portone_txn_reference: payout,
    va_number: 'VA-1',
  });
  const overrides: Record<string, Record<string, unknown>> = {
    initiatePayment: { merchant_order_id: 'NEW-PAY' },
    createPaymentLink: { merchant_order_id: 'NEW-LINK' },
    createPlan: { merchant_order_ref: 'NEW-PLAN' },
    createSubscription: { merchant_order_ref: 'NEW-SUB', plan_order_ref: plan },
    createDeduction: { merchant_order_ref: 'NEW-DED', subscription_order_ref: ondemand.orderRef },
    triggerNextDeduction: { subscription_order_ref: regular.orderRef },
    getTransactionDetails: { order_ref: paid.orderRef },
    updateTransactionStatus: { merchant_order_ref: 'PAID-1', status: 'Success' },
    createRefund: { amount: 400, refund_type: 'partial' },
    approvePayouts: { txn_refs: [payout] },
    verifyPayouts: { txn_refs: [payout] },
    createPayout: { txn_details: { ...exampleless, txn_ref: 'NEW-TXN' } },
  };
  return { sim, params, overrides, ledger };
}
const exampleless = {};

function pathOf(op: OperationInfo, params: Record<string, string>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? 'KEY'),
  );
}

function send(op: OperationInfo, entry: Entry, mutate?: (body: Record<string, unknown>) => void) {
  const { sim, params, overrides } = world();
  const body = exampleBody(entry);
  const extra = overrides[op.id] ?? {};
  for (const [key, value] of Object.entries(extra)) {
    body[key] =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof body[key] === 'object'
        ? { ...(body[key] as object), ...value }
        : value;
  }
  mutate?.(body);
  const reply = sim.handle({
    method: op.method,
    path: pathOf(op, params(op)),
    headers: {},
    body: op.method === 'GET' ? '' : JSON.stringify(body),
  });
  if (reply.type !== 'answer') throw new Error(`${op.id}: no answer`);
  return {
    status: reply.status,
    body: JSON.parse(reply.body || 'null') as Record<string, unknown>,
  };
}

const documented = (entry: Entry): string[] => Object.keys(entry.operation.responses ?? {});

function without(body: Record<string, unknown>, dotted: string): void {
  const parts = dotted.split('.');
  const last = parts.pop() as string;
  const parent = parts.reduce<Record<string, unknown>>(
    (node, part) => node[part] as Record<string, unknown>,
    body,
  );
  delete parent[last];
}

describe.skipIf(!present)('the simulator against PortOne specs', () => {
  const entries = present ? specEntries() : new Map<string, Entry>();
  const entryOf = (op: OperationInfo) => entries.get(`${op.method} ${op.path}`) as Entry;

  it('routes every operation of the specs to a handler of its own', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual(OPERATIONS.map((op) => op.id).sort());
    expect([...entries.keys()].sort()).toEqual(
      OPERATIONS.map((op) => `${op.method} ${op.path}`).sort(),
    );
  });

  it.each(OPERATIONS.map((op) => [op.id, op] as const))(
    '%s: a valid request answers 200 with the example’s keys and types',
    (_id, op) => {
      const entry = entryOf(op);
      const answer = send(op, entry);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(documented(entry)).toContain('200');
      const example = successExample(entry);
      if (example === undefined) return;
      for (const [key, value] of Object.entries(example)) {
        expect(answer.body, `${op.id} answers ${key}`).toHaveProperty([key]);
        if (value !== null && answer.body[key] !== null) {
          expect(jsonType(answer.body[key]), `${op.id}.${key}`).toBe(jsonType(value));
        }
      }
    },
  );

  it.each(OPERATIONS.map((op) => [op.id, op] as const))(
    '%s: the validation table is the spec’s required list',
    (_id, op) => {
      const entry = entryOf(op);
      const schema = entry.operation.requestBody?.content?.['application/json']?.schema;
      expect(REQUIRED_FIELDS[op.id] ?? []).toEqual(requiredOf(entry.spec, schema));
    },
  );

  const requiredCases = OPERATIONS.flatMap((op) =>
    (REQUIRED_FIELDS[op.id] ?? []).map((field) => [op.id, field, op] as const),
  );
  it.each(requiredCases)('%s without %s: 4001 "… is a required field"', (_id, field, op) => {
    const entry = entryOf(op);
    const answer = send(op, entry, (body) => without(body, field));
    const name = field.slice(field.lastIndexOf('.') + 1);
    expect(answer.body.status_code).toBe('4001');
    expect(String(answer.body.message)).toMatch(new RegExp(`${name} is a required field$`));
    // The error status the spec documents; 400 where it documents none (it lists only 200).
    const errors = documented(entry).filter((s) => s !== '200');
    expect(errors.length === 0 ? ['400'] : errors).toContain(String(answer.status));
  });
});
