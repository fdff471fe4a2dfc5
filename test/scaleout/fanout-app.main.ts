/**
 * A small app process for the multi-process publish/subscribe tests and the
 * scale-out bench: {@link FanoutModule} (a `feed` view that pushes every
 * publication, a `publisher` view that publishes) on express, with the
 * sample's own Redis wiring — `SampleRedis` (fail-fast ioredis clients) and
 * `ClusterIoAdapter` with `@socket.io/redis-adapter`'s sharded adapter — so
 * what is tested is what the sample runs, without the sample's database and
 * startup cost. Listens on 127.0.0.1:0 and prints `LISTENING <port>`. Exits
 * cleanly on SIGTERM or when stdin closes (it never outlives the test).
 *
 * Environment: REDIS_URL (required); FANOUT_ADAPTER=classic installs the
 * classic `createAdapter(pub, sub)` instead of the sharded one — only to show
 * why the sample does not use it (deploy/README.md: it dies while Redis is down).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createAdapter } from '@socket.io/redis-adapter';
import type { AddressInfo } from 'node:net';
import { ClusterIoAdapter } from '../../sample/scaleout/cluster-io.adapter.js';
import { SampleRedis } from '../../sample/scaleout/sample-redis.js';
import { FanoutModule } from './fanout.fixture.js';

const url = process.env.REDIS_URL;
if (!url) throw new Error('REDIS_URL is required');

const redis = await SampleRedis.connect(url);
const app = await NestFactory.create<NestExpressApplication>(FanoutModule, { logger: process.env.DJUST_TEST_LOGS ? undefined : ['error', 'warn'] });
const adapter = process.env.FANOUT_ADAPTER === 'classic' ? createAdapter(redis.pub, redis.sub) : redis.ioAdapter();
app.useWebSocketAdapter(new ClusterIoAdapter(app, [], adapter));
await app.listen(0, '127.0.0.1');
process.stdout.write(`LISTENING ${(app.getHttpServer().address() as AddressInfo).port}\n`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await redis.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.stdin.resume();
process.stdin.once('end', () => void stop());
