/**
 * A plain backend for the load-balancer tests (no Nest, no djust): node's http
 * server with socket.io on it. Listens on 127.0.0.1:$PORT (default: a free
 * port) and prints `LISTENING <port>`. Exits on SIGTERM or when its stdin ends
 * (so it never outlives the test process).
 *
 * - `GET /healthz` → 200 `ok`
 * - `GET /whoami` → `{ name, forwardedFor }` (`X-Forwarded-For` as received)
 * - socket.io, namespace `/`: the ack of `whoami` is `{ name, transport }`
 *
 * Environment: BACKEND_NAME (default `backend`), PORT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const name = process.env.BACKEND_NAME ?? 'backend';

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  } else if (req.method === 'GET' && req.url === '/whoami') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});

// socket.io answers its own path (/socket.io/) before the handler above runs.
const io = new Server(http);
io.on('connection', (socket) => {
  socket.on('whoami', (ack: unknown) => {
    if (typeof ack === 'function') ack({ name, transport: socket.conn.transport.name });
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${(http.address() as AddressInfo).port}\n`);
});

const stop = (): void => {
  // io.close() disconnects the sockets, then closes the http server.
  void io.close(() => process.exit(0));
  http.closeAllConnections();
};
process.once('SIGTERM', stop);
process.stdin.resume();
process.stdin.once('end', stop);
