/**
 * `portone-retry-reconcile`: settles the open intents of a fleet's Redis journal once, prints
 * what it settled, and says by its exit status whether anything stays open. It lives here, not
 * in core's `portone-retry`, because core cannot depend on the Redis package.
 *   PORTONE_REDIS_URL=redis://… PORTONE_KEY=… PORTONE_SECRET=… portone-retry-reconcile
 * The bin (`bin.ts`) only wires this to the process, so tests call `main` directly.
 */
import {
  createEngine,
  createFetchLookupTransport,
  type LookupTransport,
  reconcile,
} from '@portone-retry/core';
import { Redis } from 'ioredis';
import { createRedisJournal } from './redis-journal.js';

export const HELP = `portone-retry-reconcile: settle the payments a process left open

Reads from the environment:
  PORTONE_REDIS_URL       the Redis of the fleet's journal (redis://host:port/db)   required
  PORTONE_KEY             the merchant's PortOne key                                required
  PORTONE_SECRET          the merchant's PortOne secret key (never printed)         required
  PORTONE_BASE_URL        PortOne's API             default https://api.portone.cloud
  PORTONE_JOURNAL_PREFIX  the journal's key prefix  default portone-retry:
  PORTONE_OLDER_THAN_MS   leave younger intents to their calls   default 600000

Exit status: 0 when no intent stays open, 2 when some do, 1 on bad input.
`;

/** Where output goes: `out` for results, `err` for problems. */
export type CliWrite = (text: string, stream: 'out' | 'err') => void;

/** Runs one reconcile pass; resolves with the exit status. `lookup` replaces the signed fetch (tests). */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  write: CliWrite,
  lookup?: LookupTransport,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    write(HELP, 'out');
    return 0;
  }
  const url = env.PORTONE_REDIS_URL;
  const key = env.PORTONE_KEY;
  const secret = env.PORTONE_SECRET;
  const missing = [
    ...(url ? [] : ['PORTONE_REDIS_URL']),
    ...(lookup !== undefined || key ? [] : ['PORTONE_KEY']),
    ...(lookup !== undefined || secret ? [] : ['PORTONE_SECRET']),
  ];
  if (missing.length > 0) {
    write(`missing ${missing.join(', ')}\n\n${HELP}`, 'err');
    return 1;
  }
  const olderThanMs = Number(env.PORTONE_OLDER_THAN_MS ?? 600_000);
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
    write('PORTONE_OLDER_THAN_MS must be a number of milliseconds >= 0\n', 'err');
    return 1;
  }
  const client = new Redis(url as string, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const journal = createRedisJournal({
      client,
      ...(env.PORTONE_JOURNAL_PREFIX === undefined ? {} : { prefix: env.PORTONE_JOURNAL_PREFIX }),
    });
    const engine = createEngine({ journal });
    const transport =
      lookup ??
      createFetchLookupTransport({
        token: { key: key as string, secret: secret as string },
        ...(env.PORTONE_BASE_URL === undefined ? {} : { baseUrl: env.PORTONE_BASE_URL }),
      });
    const settled = await reconcile(engine, { olderThanMs, lookup: transport });
    let open = 0;
    for (const { intent, outcome } of settled) {
      if (!outcome.closed) open++;
      write(
        `${outcome.closed ? 'settled' : 'open   '}  ${intent.operation.padEnd(18)} ${(intent.orderRef ?? '-').padEnd(24)} ${outcome.status}\n`,
        'out',
      );
    }
    write(`${settled.length - open} settled, ${open} still open\n`, 'out');
    return open === 0 ? 0 : 2;
  } catch (error) {
    // A Redis or network failure: nothing is known about the open intents.
    write(`reconcile failed: ${error instanceof Error ? error.message : String(error)}\n`, 'err');
    return 2;
  } finally {
    client.disconnect();
  }
}
