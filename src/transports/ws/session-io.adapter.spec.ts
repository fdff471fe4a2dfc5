import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect } from 'socket.io-client';
import { SessionIoAdapter, handshakeOnly, type EngineMiddleware } from './session-io.adapter.js';

describe('handshakeOnly', () => {
  it('runs the middleware on a connection’s first request only', () => {
    const seen: string[] = [];
    const wrapped = handshakeOnly((req, _res, next) => {
      seen.push(req.url);
      next();
    });
    let nexts = 0;
    wrapped({ url: '/socket.io/?EIO=4&transport=polling' }, {}, () => nexts++);
    wrapped({ url: '/socket.io/?EIO=4&transport=polling&sid=abc' }, {}, () => nexts++);
    wrapped({ url: '/socket.io/?EIO=4&transport=websocket&sid=abc' }, {}, () => nexts++);
    assert.deepEqual(seen, ['/socket.io/?EIO=4&transport=polling']);
    assert.equal(nexts, 3);
  });

  it('passes the middleware’s error on', () => {
    const boom = new Error('store down');
    let got: unknown;
    handshakeOnly((_req, _res, next) => next(boom))({ url: '/socket.io/?EIO=4' }, {}, (err) => (got = err));
    assert.equal(got, boom);
  });
});

describe('SessionIoAdapter', () => {
  let http: HttpServer;
  let url: string;
  let io: ReturnType<SessionIoAdapter['createIOServer']>;
  const calls: string[] = [];

  before(async () => {
    http = createServer();
    const first: EngineMiddleware = (req, _res, next) => {
      calls.push(`first ${req._query.transport}`);
      req.session = { user: { id: 1 } };
      next();
    };
    const second: EngineMiddleware = (req, _res, next) => {
      calls.push(`second ${req.session?.user?.id}`);
      req.user = req.session.user;
      next();
    };
    io = new SessionIoAdapter(http, [first, second]).createIOServer(0);
    io.on('connection', (socket) => {
      socket.on('whoami', (ack: (v: unknown) => void) => ack(socket.request && (socket.request as any).user));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });

  for (const transports of [['polling'], ['polling', 'websocket'], ['websocket']]) {
    it(`runs the middlewares in order, once per connection, and socket.request keeps what they set (${transports.join('+')})`, async () => {
      calls.length = 0;
      const client = connect(url, { transports, forceNew: true, reconnection: false });
      try {
        for (let i = 0; i < 3; i++) assert.deepEqual(await client.timeout(5000).emitWithAck('whoami'), { id: 1 });
      } finally {
        client.disconnect();
      }
      assert.deepEqual(calls, [`first ${transports[0]}`, 'second 1']);
    });
  }
});
