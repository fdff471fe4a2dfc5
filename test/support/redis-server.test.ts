import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis } from './redis-server.js';

describe('startRedis', () => {
  // Another test's Redis on our port must never be taken for ours (it answers PING just as well).
  it('a port another Redis server holds: refused, naming it; the other server is left alone', async () => {
    const first = await startRedis();
    try {
      await assert.rejects(startRedis({ port: first.port }), /another Redis server|address already in use/i);
      const client = new Redis(first.url, { lazyConnect: true });
      await client.connect();
      try {
        assert.equal(await client.ping(), 'PONG');
      } finally {
        client.disconnect();
      }
    } finally {
      await first.stop();
    }
  });

  it('two servers started together get two ports and two processes', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    try {
      assert.notEqual(a.port, b.port);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
