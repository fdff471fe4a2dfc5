import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Socket } from 'socket.io-client';
import { coreModule } from '../core/core.fixture.js';
import { ADAPTERS, bootApp, type RunningApp } from '../support/app.js';
import { bootHardened, connectSocket, emitAck, nextDisconnect, rawRequest, type RawResponse } from './support/clients.js';
import { assertHttpAnswer } from './support/invariants.js';

/**
 * Every limit answers with a clear error in the documented envelope, and a
 * hostile client hitting it leaves the server (and its other clients) fine.
 */
const ALICE = { authorization: 'Bearer token-alice' };
const JSON_HEADERS = { ...ALICE, 'content-type': 'application/json' };
const MIB = 1024 * 1024;

/** POSTs raw bytes to `/djust/api/order/<handler>/` and checks the envelope. */
async function call(url: string, handler: string, body: string | Buffer, options: { chunked?: boolean } = {}): Promise<RawResponse & { body: any }> {
  const res = await rawRequest(url, { method: 'POST', path: `/djust/api/order/${handler}/`, headers: JSON_HEADERS, body: Buffer.from(body), chunked: options.chunked });
  assertHttpAnswer(res, { view: 'order', handler }, `${handler}`);
  return { ...res, body: JSON.parse(res.text) };
}

/** `{"pad":"xxx…"}` of exactly `bytes` bytes. */
const padded = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
/** `depth` nested objects: `{"a":{"a":…1…}}`. */
const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{"a":1}' + '}'.repeat(depth - 1);
const lines = (n: number) => JSON.stringify({ lines: Array.from({ length: n }, (_, i) => ({ sku: `S${i}`, qty: 1 })) });

for (const adapter of ADAPTERS) {
  describe(`limits over HTTP (${adapter})`, () => {
    let defaults: RunningApp;
    let small: RunningApp;
    before(async () => {
      defaults = await bootApp(coreModule(), adapter);
      small = await bootApp(coreModule({ bodyLimit: 2048, maxDepth: 4 }), adapter);
    });
    after(async () => {
      await defaults.close();
      await small.close();
    });

    it('bodyLimit: a body over the limit is 413 payload_too_large with the limit in details', async () => {
      const res = await call(small.url, 'nothing', padded(4096));
      assert.equal(res.status, 413);
      assert.equal(res.body.error, 'payload_too_large');
      assert.equal(res.body.details.limit, 2048);
      assert.equal((await call(small.url, 'nothing', padded(1024))).status, 200);
    });

    it('bodyLimit: a chunked body (no Content-Length) over the limit is 413 too', async () => {
      const res = await call(small.url, 'nothing', padded(4096), { chunked: true });
      assert.equal(res.status, 413);
      assert.equal(res.body.error, 'payload_too_large');
      assert.equal((await call(small.url, 'nothing', padded(1024), { chunked: true })).status, 200);
    });

    it('bodyLimit default (1 MiB): 1 MiB + 1 byte is 413, chunked or not', async () => {
      for (const chunked of [false, true]) {
        const res = await call(defaults.url, 'nothing', padded(MIB + 1), { chunked });
        assert.equal(res.status, 413, `chunked=${chunked}`);
        assert.equal(res.body.error, 'payload_too_large');
      }
    });

    if (adapter === 'express') {
      it("express: the app's own JSON parser (Nest default 100 KB) applies first; the answer is still the envelope, with the effective limit", async () => {
        const res = await call(defaults.url, 'nothing', padded(200 * 1024));
        assert.equal(res.status, 413);
        assert.equal(res.body.error, 'payload_too_large');
        assert.equal(res.body.details.limit, 100 * 1024);
      });

      it("express: raising the app's parser limit (app.useBodyParser('json', { limit })) lets bodyLimit apply", async () => {
        const big = await bootHardened(coreModule({ bodyLimit: 3 * MIB }), 'express', {
          configure: (app) => void (app as NestExpressApplication).useBodyParser('json', { limit: 3 * MIB }),
        });
        try {
          assert.equal((await call(big.url, 'nothing', padded(2 * MIB))).status, 200);
          const over = await call(big.url, 'nothing', padded(3 * MIB + 1));
          assert.equal(over.status, 413);
          assert.equal(over.body.details.limit, 3 * MIB);
        } finally {
          await big.close();
        }
      });

      it('express: with bodyParser: false, djust reads the body itself and bodyLimit alone applies', async () => {
        const big = await bootHardened(coreModule({ bodyLimit: 3 * MIB }), 'express', { nest: { bodyParser: false } });
        try {
          assert.equal((await call(big.url, 'nothing', padded(2 * MIB))).status, 200);
          const over = await call(big.url, 'nothing', padded(3 * MIB + 1));
          assert.equal(over.status, 413);
          assert.equal(over.body.details.limit, 3 * MIB);
          const chunked = await call(big.url, 'nothing', padded(3 * MIB + 1), { chunked: true });
          assert.equal(chunked.status, 413);
        } finally {
          await big.close();
        }
      });
    } else {
      it('fastify: bodyLimit is the only limit on djust routes (a 2 MiB body passes with bodyLimit 3 MiB)', async () => {
        const big = await bootApp(coreModule({ bodyLimit: 3 * MIB }), 'fastify');
        try {
          assert.equal((await call(big.url, 'nothing', padded(2 * MIB))).status, 200);
          assert.equal((await call(big.url, 'nothing', padded(3 * MIB + 1))).status, 413);
        } finally {
          await big.close();
        }
      });
    }

    it('maxDepth: nesting beyond the limit is 400 validation_error, before any handler code runs', async () => {
      assert.equal((await call(small.url, 'nothing', nested(4))).status, 200);
      const res = await call(small.url, 'nothing', nested(5));
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.details, { non_field_errors: ['Nesting is deeper than 4 levels.'] });
    });

    it('maxDepth default (32): 32 levels pass, 33 and 10 000 are refused without a stack overflow', async () => {
      assert.equal((await call(defaults.url, 'nothing', nested(32))).status, 200);
      for (const depth of [33, 10_000]) {
        const res = await call(defaults.url, 'nothing', nested(depth));
        assert.equal(res.status, 400, `depth ${depth}`);
        assert.match(res.body.details.non_field_errors[0], /deeper than 32/);
      }
      const arrays = await call(defaults.url, 'nothing', '['.repeat(20_000) + ']'.repeat(20_000));
      assert.equal(arrays.status, 400);
    });

    it('@ArrayMaxSize in a DTO caps array length: 100 lines pass, 101 and 10 000 are 400', async () => {
      assert.equal((await call(defaults.url, 'cart', lines(100))).status, 200);
      for (const n of [101, 10_000]) {
        const res = await call(defaults.url, 'cart', n === 10_000 ? JSON.stringify({ lines: new Array(n).fill(1) }) : lines(n));
        assert.equal(res.status, 400, `${n} lines`);
        assert.ok(res.body.details.lines.includes('lines must contain no more than 100 elements'), JSON.stringify(res.body.details.lines));
      }
    });
  });
}

describe('limits over WS (hostile clients)', () => {
  let running: RunningApp;
  const sockets: Socket[] = [];
  const open = async (token = 'token-alice') => {
    const socket = await connectSocket(running.url, { token });
    sockets.push(socket);
    return socket;
  };
  before(async () => {
    running = await bootApp(
      coreModule({ maxDepth: 4, ws: { maxMessageSize: 4096, eventsPerSecond: 5, maxViewsPerSocket: 3 } }),
      'express',
    );
  });
  after(async () => {
    for (const s of sockets) s.close();
    await running.close();
  });
  const mountOrder = async (socket: Socket) => {
    const ack = await emitAck(socket, 'mount', { view: 'order' });
    assert.equal(typeof ack.ref, 'string', JSON.stringify(ack));
    return ack.ref as string;
  };

  it('ws.maxMessageSize: a larger message is acked 413 payload_too_large; the socket stays usable', async () => {
    const socket = await open();
    const ref = await mountOrder(socket);
    const ack = await emitAck(socket, 'event', { ref, handler: 'nothing', params: { pad: 'x'.repeat(8192) } });
    assert.equal(ack.error, 'payload_too_large');
    assert.equal(ack.status, 413);
    assert.ok(socket.connected);
    socket.close();
  });

  it("beyond socket.io's own maxHttpBufferSize (1 MB) engine.io drops the connection; the server and other sockets carry on", async () => {
    const bystander = await open('token-bob');
    const hostile = await open();
    const closed = nextDisconnect(hostile);
    hostile.emit('event', { ref: 'x', handler: 'nothing', params: { pad: 'x'.repeat(2 * MIB) } });
    assert.match(await closed, /transport (close|error)/);
    const ref = await mountOrder(bystander);
    assert.deepEqual(await emitAck(bystander, 'event', { ref, handler: 'nothing' }), { result: null, assigns: {} });
    bystander.close();
  });

  it('maxDepth applies to WS params: 400 before the handler', async () => {
    const socket = await open();
    const ref = await mountOrder(socket);
    const ack = await emitAck(socket, 'event', { ref, handler: 'nothing', params: JSON.parse(nested(5)) });
    assert.equal(ack.error, 'validation_error');
    assert.deepEqual(ack.details, { non_field_errors: ['Nesting is deeper than 4 levels.'] });
    socket.close();
  });

  it('ws.eventsPerSecond: a flood is cut with 429 rate_limited acks; the socket is not dropped', async () => {
    const socket = await open();
    const acks = await Promise.all(Array.from({ length: 40 }, () => emitAck(socket, 'event', { ref: 'none', handler: 'nothing' })));
    const limited = acks.filter((a) => a.error === 'rate_limited');
    assert.ok(limited.length > 0, 'no message was refused');
    assert.ok(limited.every((a) => a.status === 429 && a.details.limit === 'eventsPerSecond' && a.details.retry_after >= 1), JSON.stringify(limited[0]));
    assert.ok(acks.every((a) => a.error === 'rate_limited' || a.error === 'not_found'));
    assert.ok(socket.connected);
    socket.close();
  });

  it('ws.maxViewsPerSocket: concurrent mounts cannot overshoot the cap; unmount frees a slot', async () => {
    const socket = await open();
    // 3 messages fit the 5/s budget; the cap is 3 views, so 3 parallel mounts then one more.
    const acks = await Promise.all([1, 2, 3].map(() => emitAck(socket, 'mount', { view: 'order' })));
    assert.ok(acks.every((a) => typeof a.ref === 'string'), JSON.stringify(acks));
    const fourth = await emitAck(socket, 'mount', { view: 'order' });
    assert.equal(fourth.error, 'rate_limited');
    assert.equal(fourth.details.limit, 'maxViewsPerSocket');
    assert.deepEqual(await emitAck(socket, 'unmount', { ref: acks[0].ref }), { ok: true });
    socket.close();
  });

  it('ws.maxSocketsPerCaller: of 10 parallel connections by one user, exactly 2 get in; others are unaffected', async () => {
    const capped = await bootApp(coreModule({ ws: { maxSocketsPerCaller: 2 } }), 'express');
    after(() => capped.close());
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => connectSocket(capped.url, { token: 'token-carol' })));
    const connected = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    sockets.push(...connected);
    assert.equal(connected.length, 2);
    for (const r of results) {
      if (r.status === 'rejected') {
        assert.equal((r.reason as { data?: { error?: string; status?: number } }).data?.error, 'rate_limited');
        assert.equal((r.reason as { data?: { status?: number } }).data?.status, 429);
      }
    }
    // Another caller is not affected by carol's sockets.
    const root = await connectSocket(capped.url, { token: 'token-root' });
    sockets.push(root);
    assert.ok(root.connected);
    // Closing one of carol's sockets frees a slot (bounded retry: the server learns of the close over I/O).
    const gone = nextDisconnect(connected[0]);
    connected[0].close();
    await gone;
    let again: Socket | undefined;
    for (let attempt = 0; attempt < 50 && !again; attempt++) {
      again = await connectSocket(capped.url, { token: 'token-carol' }).catch(() => undefined);
    }
    assert.ok(again?.connected, 'a slot was not freed after a disconnect');
    sockets.push(again);
  });
});
