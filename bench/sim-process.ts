/**
 * Runs startSimulator() in a process of its own for the happy-path section, so the server's work
 * shares neither the event loop, nor the heap, nor (where the machine allows it) the core of the
 * clients being measured. It sends the simulator's URL over IPC and closes it when told to.
 *
 * Idle connections are kept for ten minutes, longer than any pause between rounds, as a real
 * PortOne endpoint keeps them: a socket the server closes just as a client reuses it would fail
 * the call with ECONNRESET, and a fetch client would open a new connection for each request.
 */
import { startSimulator } from '@portone-retry/testing';

const sim = await startSimulator({ validate: false, keepAliveMs: 600_000 });
process.send?.({ url: sim.url });
const close = async () => {
  await sim.close();
  process.exit(0);
};
process.once('message', close);
// The bench ended without saying so (it crashed or was killed): do not outlive it.
process.once('disconnect', close);
