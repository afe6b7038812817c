/**
 * Runs startSimulator() in a process of its own for the happy-path section, so the server's work
 * shares neither the event loop, nor the heap, nor (where the machine allows it) the core of the
 * clients being measured. It sends the simulator's URL over IPC and closes it when told to.
 *
 * Keep-alive: the simulator sets `keepAliveTimeout = 1000`, so it answers `Keep-Alive: timeout=1`;
 * undici (Node's fetch) keeps a 1 s safety margin under that hint and therefore opens a new TCP
 * connection for every request, while axios (Node's http agent) reuses its sockets. A real
 * PortOne endpoint keeps connections for far longer, so for this section only the server's
 * keep-alive is raised to ten minutes, longer than any pause between rounds (a socket the server
 * closes just as a client reuses it fails the call with ECONNRESET). The server is caught as
 * startSimulator creates it.
 */
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';

const servers: http.Server[] = [];
const createServer = http.createServer;
http.createServer = ((...args: Parameters<typeof createServer>) => {
  const server = createServer(...args);
  servers.push(server);
  return server;
}) as typeof createServer;
syncBuiltinESMExports();

const { startSimulator } = await import('@portone-retry/testing');
const sim = await startSimulator({ validate: false });
http.createServer = createServer;
syncBuiltinESMExports();
for (const server of servers) server.keepAliveTimeout = 600_000;

process.send?.({ url: sim.url, keepAliveRaised: servers.length });
const close = async () => {
  await sim.close();
  process.exit(0);
};
process.once('message', close);
// The bench ended without saying so (it crashed or was killed): do not outlive it.
process.once('disconnect', close);
