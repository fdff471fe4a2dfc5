/**
 * The sample with `redisUrl` (what `REDIS_URL` sets), in this process, on a
 * real redis-server: sessions and idempotency keys in Redis, the socket.io adapter that carries
 * publications to other processes, and the Redis clients closed when the app
 * shuts down. (Several processes: test/scaleout.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import { SampleRedis, SAMPLE_REDIS_PREFIX } from '../../sample/scaleout/sample-redis.js';
import { DjustPublisher } from '../../src/index.js';
import { closeTestRedis, connectTestRedis } from '../support/redis-client.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';
import { login, startSample, type RunningSample } from './sample-support.js';

describe('sample with redisUrl', () => {
  let redis: RedisServerHandle;
  let sample: RunningSample;

  before(async () => {
    redis = await startRedis();
    sample = await startSample({ redisUrl: redis.url, trustProxy: 'loopback' });
  });
  after(async () => {
    await sample?.close();
    await redis?.stop();
  });

  it('keeps sessions and idempotency keys in Redis, publishes through a cluster adapter, trusts the proxy', async () => {
    await login(sample.url, 'admin', 'admin');
    const ping = await fetch(`${sample.url}/djust/api/fulfillment/ping/`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_API_TOKEN}`, 'idempotency-key': 'sample-redis-1' } });
    assert.equal(ping.status, 200);
    const probe = await connectTestRedis(redis.url);
    try {
      assert.equal((await probe.keys(`${SAMPLE_REDIS_PREFIX}sess:*`)).length, 1);
      assert.equal((await probe.keys(`${SAMPLE_REDIS_PREFIX}idem:*`)).length, 1);
    } finally {
      await closeTestRedis(probe);
    }
    assert.equal(sample.app.get(DjustPublisher).crossProcess, true);
    assert.equal(sample.app.getHttpAdapter().getInstance().get('trust proxy'), 'loopback');
  });

  it('closes its three Redis clients when the app shuts down', async () => {
    const clients = sample.app.get(SampleRedis);
    await sample.close();
    assert.deepEqual([clients.commands.status, clients.pub.status, clients.sub.status], ['end', 'end', 'end']);
  });

  it('refuses to start when Redis does not answer, saying where', async () => {
    const down = await startRedis();
    await down.stop();
    await assert.rejects(startSample({ redisUrl: down.url }), new RegExp(`could not connect to Redis at 127\\.0\\.0\\.1:${down.port}`));
  });
});
