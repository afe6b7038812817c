import { startSimulator } from '@portone-retry/testing';
import { happyClients } from './clients.js';
import { createPaymentToRead, progress, promisesPerCall } from './lib.js';

/** Promises one successful read creates through a client, beside its raw client. */
export interface PromiseRow {
  readonly client: string;
  readonly baseline?: string;
  readonly promises: number;
  /** `promises` minus the raw client's. */
  readonly beyondRaw?: number;
}

/**
 * Section 5d: the promises a successful `GET` of a payment's status creates through each client,
 * over a simulator in this process (its own promises count for every client alike). Unlike the
 * timings, the count is the same on every machine and every run.
 */
export async function runPromiseCount(): Promise<PromiseRow[]> {
  progress('pure: promises per successful call');
  const sim = await startSimulator({ validate: false });
  try {
    const ref = 'bench-promises';
    await createPaymentToRead(sim.url, ref);
    // The clients of section 1, with their default options (the reference points aside).
    const clients = happyClients(sim.url, ref).filter(
      (c) => c.option !== true && c.reference !== true,
    );
    const counts = new Map<string, number>();
    for (const { name, get } of clients) counts.set(name, await promisesPerCall(get));
    return clients.map(({ name: client, baseline }) => {
      const promises = counts.get(client)!;
      return baseline === undefined
        ? { client, promises }
        : { client, baseline, promises, beyondRaw: promises - counts.get(baseline)! };
    });
  } finally {
    await sim.close();
  }
}
