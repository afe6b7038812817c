/**
 * Runs startSimulator() on its own thread for the happy-path section, so the server's work does
 * not share the event loop (and the core) with the clients being measured. It answers with the
 * simulator's URL, and closes the simulator when told to.
 *
 * Keep-alive: the simulator sets `keepAliveTimeout = 1000`, so it answers `Keep-Alive: timeout=1`;
 * undici (Node's fetch) keeps a 1 s safety margin under that hint and therefore opens a new TCP
 * connection for every request, while axios (Node's http agent) reuses its sockets. A real
 * PortOne endpoint keeps connections for far longer, so for this section only the server's
 * keep-alive is raised to 5 s (the server is caught as startSimulator creates it).
 */
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { parentPort } from 'node:worker_threads';

const servers: http.Server[] = [];
const createServer = http.createServer;
http.createServer = ((...args: Parameters<typeof createServer>) => {
  const server = createServer(...args);
  servers.push(server);
  return server;
}) as typeof createServer;
syncBuiltinESMExports();

const { startSimulator } = await import('@portone-retry/testing');
const sim = await startSimulator();
http.createServer = createServer;
syncBuiltinESMExports();
for (const server of servers) server.keepAliveTimeout = 5000;

parentPort?.postMessage({ url: sim.url, keepAliveRaised: servers.length });
parentPort?.once('message', async () => {
  await sim.close();
  parentPort?.close();
});
