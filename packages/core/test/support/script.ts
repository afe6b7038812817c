import type { AttemptResponse, Operation } from '../../src/index.js';

/** One scripted answer of a fake transport. */
export type Step =
  | {
      readonly code: number | string;
      readonly http?: number;
      readonly retryAfter?: string;
      readonly content?: unknown;
    }
  | {
      readonly payment: 'Success' | 'Failed' | 'Pending' | 'Expired';
      /** The envelope's code, when the status answer carries more than 2000. */
      readonly code?: number;
    }
  | { readonly proxy: number }
  | { readonly notFound: true }
  | { readonly throws: unknown }
  | { readonly hang: true };

export function answer(step: Step, signal: AbortSignal): Promise<AttemptResponse<string>> {
  if ('throws' in step) return Promise.reject(step.throws);
  if ('hang' in step) {
    return new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
    );
  }
  if ('payment' in step) {
    return Promise.resolve({
      httpStatus: 200,
      headers: {},
      body: {
        content: { status: step.payment, order_ref: 'PO-1' },
        status_code: String(step.code ?? 2000),
        status_reason: step.code === undefined ? 'SUCCESS' : 'X',
      },
      raw: `status:${step.payment}`,
    });
  }
  if ('proxy' in step) {
    return Promise.resolve({
      httpStatus: step.proxy,
      headers: { 'content-type': 'text/html' },
      body: `<html><body>${step.proxy} Bad Gateway</body></html>`,
      raw: `proxy:${step.proxy}`,
    });
  }
  if ('notFound' in step) {
    return Promise.resolve({
      httpStatus: 400,
      headers: {},
      body: { status_code: '5001', status_reason: 'RECORD_NOT_FOUND_ERROR', message: 'not found' },
      raw: 'not-found',
    });
  }
  const code = Number(step.code);
  const http = step.http ?? (code >= 2000 && code < 3000 ? 200 : 400);
  return Promise.resolve({
    httpStatus: http,
    headers: step.retryAfter === undefined ? {} : { 'retry-after': step.retryAfter },
    body: {
      status_code: String(step.code),
      status_reason: 'X',
      message: `answer ${step.code}`,
      content: step.content,
    },
    raw: `answer:${step.code}`,
  });
}

/** A fake transport that answers from a script and counts what it was sent. */
export function scripted(
  sends: Step[],
  lookups: Step[] = [],
  extra: { [K in keyof Operation<string>]?: Operation<string>[K] | undefined } = {},
): { operation: Operation<string>; sent: () => number; looked: () => number } {
  let sent = 0;
  let looked = 0;
  const operation: Operation<string> = {
    method: 'POST',
    url: 'https://api.portone.cloud/api/initiatePayment?key=secret-key',
    kind: 'create',
    orderRef: 'ORDER-1',
    send: ({ signal }) => {
      const step = sends[Math.min(sent, sends.length - 1)] as Step;
      sent++;
      return answer(step, signal);
    },
    checkStatus: (_ref, { signal }) => {
      const step = lookups[Math.min(looked, lookups.length - 1)] as Step;
      looked++;
      return answer(step, signal);
    },
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete (operation as unknown as Record<string, unknown>)[key];
    else (operation as unknown as Record<string, unknown>)[key] = value;
  }
  return { operation, sent: () => sent, looked: () => looked };
}
