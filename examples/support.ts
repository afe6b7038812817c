import { fileURLToPath } from 'node:url';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import { MERCHANT } from './signing.js';

/**
 * Runs `main` against a fresh simulator when the file is executed directly (not when a test
 * imports it), and closes the simulator afterwards.
 */
export function runAgainstSimulator(
  moduleUrl: string,
  main: (sim: Simulator) => Promise<void>,
): void {
  if (process.argv[1] === undefined || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  void (async () => {
    // Validates and verifies requests as PortOne does.
    const sim = await startSimulator({ signatures: MERCHANT });
    try {
      await main(sim);
    } finally {
      await sim.close();
    }
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
