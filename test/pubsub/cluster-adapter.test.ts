import { createAdapter } from '@socket.io/redis-adapter';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Server } from 'socket.io';
import { carriesServerSideEmit } from '../../src/pubsub/cluster-adapter.util.js';
import { closeTestRedis, connectTestRedis } from '../support/redis-client.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';

/**
 * `carriesServerSideEmit` depends on how socket.io builds adapters: checked
 * here against the real default adapter and a real Redis adapter on a real
 * redis-server. If socket.io changes that, this fails — loudly.
 */
describe('carriesServerSideEmit (real socket.io adapters)', () => {
  let redis: RedisServerHandle;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  it('false for socket.io’s default in-memory adapter', async () => {
    const io = new Server(createServer());
    try {
      assert.equal(carriesServerSideEmit(io.of('/djust').adapter), false);
    } finally {
      await io.close();
    }
  });

  it('true for @socket.io/redis-adapter', async () => {
    const pub = await connectTestRedis(redis.url);
    const subClient = await connectTestRedis(redis.url);
    const io = new Server(createServer());
    io.adapter(createAdapter(pub, subClient));
    try {
      assert.equal(carriesServerSideEmit(io.of('/djust').adapter), true);
    } finally {
      await io.close();
      await closeTestRedis(subClient);
      await closeTestRedis(pub);
    }
  });

  it('false for anything that is not an adapter', () => {
    for (const value of [null, undefined, {}, { serverSideEmit: 1 }, 'x']) assert.equal(carriesServerSideEmit(value), false);
  });
});
