/**
 * The cost of the exactly-once stage per call, through the one dispatch
 * (`DjustDispatcher.dispatch`) of the seed's `update_status` (token auth, DTO
 * validation, the handler, the envelope) in an application context, in a fresh
 * process per mode:
 *
 * - `none`: no idempotency key (the stage does nothing);
 * - `memory`: a new key per call with the default in-memory store (claim, run, keep the answer);
 * - `memory-replay`: the same key every call (claim finds the kept answer: the replay);
 * - `redis`, `redis-replay`: the same with the keys in a real redis-server on loopback
 *   (`forRoot({ idempotency: { redis } })`, one ioredis client, calls one after another).
 *
 * Each process warms up, then dispatches until BENCH_IDEM_CALLS calls (default
 * 100,000) or BENCH_IDEM_BUDGET_MS (default 3,000 ms); the modes alternate over
 * BENCH_IDEM_ROUNDS rounds (default 3) and the median is kept. Prints µs/call and
 * the ratio of each mode to `none`; writes bench/results/idempotency.json. Needs
 * `redis-server` on the PATH (or REDIS_SERVER_BIN) for the Redis modes.
 *
 * Run: node .build/bench/idempotency.bench.js
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { DjustDispatcher } from '../src/core/djust-dispatcher.service.js';
import { DjustModule, type DjustIdempotencyOptions } from '../src/index.js';
import { startRedis } from '../test/support/redis-server.js';
import { writeResult } from './bench-support.js';
import { median, printResult, runModes, timeCalls } from './mode-processes.js';
import { BenchOrderView, BenchTokenAuth } from './servers/djust-bench.module.js';
import { BENCH_TOKEN, OrderRepository } from './servers/bench-domain.js';

type Mode = 'none' | 'memory' | 'memory-replay' | 'redis' | 'redis-replay';
const MODES: Mode[] = ['none', 'memory', 'memory-replay', 'redis', 'redis-replay'];
const ROUNDS = Math.max(1, Number(process.env.BENCH_IDEM_ROUNDS ?? 3));
const CALLS = Number(process.env.BENCH_IDEM_CALLS ?? 100_000);
const BUDGET_MS = Number(process.env.BENCH_IDEM_BUDGET_MS ?? 3_000);
const WARMUP_MS = 1_000;

async function child(mode: Mode, redisUrl: string | undefined): Promise<void> {
  const redis = mode.startsWith('redis') ? new Redis(redisUrl!, { maxRetriesPerRequest: 1 }) : undefined;
  const idempotency: DjustIdempotencyOptions = redis ? { redis } : {};

  @Module({
    imports: [DjustModule.forRoot({ authClasses: [BenchTokenAuth], idempotency })],
    providers: [BenchTokenAuth, OrderRepository, BenchOrderView],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const dispatcher = app.get(DjustDispatcher);
  const caller = { transport: 'http' as const, request: { headers: { authorization: `Bearer ${BENCH_TOKEN}` } }, headers: {}, ip: '127.0.0.1', session: undefined, httpRequest: {} };
  let n = 0;
  const keyOf = (): string | undefined => (mode === 'none' ? undefined : mode.endsWith('replay') ? 'the-same-key' : `key-${process.pid}-${n++}`);
  const call = () =>
    dispatcher.dispatch({ kind: 'call', view: 'order', handler: 'update_status', params: { order_id: 42, status: 'shipped' }, caller, requestId: 'bench', idempotencyKey: keyOf() });
  const check = await call();
  if (!check.ok) throw new Error(`the bench call failed: ${check.error.kind}`);
  if (mode.endsWith('replay') && !(await call()).replayed) throw new Error('the replay mode does not replay');
  printResult({ mode, ...(await timeCalls(call, { calls: CALLS, budgetMs: BUDGET_MS, warmupMs: WARMUP_MS })) });
  await app.close();
  redis?.disconnect();
  process.exit(0);
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const redis = await startRedis();
  let samples: Map<Mode, number[]>;
  try {
    samples = await runModes(self, MODES, ROUNDS, [redis.url]);
  } finally {
    await redis.stop();
  }
  const rows = MODES.map((mode) => ({ mode, usPerCall: Number(median(samples.get(mode)!).toFixed(3)), rounds: samples.get(mode)!.map((x) => Number(x.toFixed(3))) }));
  const base = rows[0].usPerCall;
  const ratio = (mode: Mode) => Number((rows.find((r) => r.mode === mode)!.usPerCall / base).toFixed(3));
  console.log(`DjustDispatcher.dispatch(update_status) with and without an idempotency key: median of ${ROUNDS} alternating processes per mode`);
  console.table(rows.map((r) => ({ mode: r.mode, 'µs/call': r.usPerCall, 'ratio to no key': Number((r.usPerCall / base).toFixed(3)), rounds: r.rounds.join(' / ') })));
  console.log(
    `÷ no key — memory: ${ratio('memory')}, memory replay: ${ratio('memory-replay')}, redis: ${ratio('redis')}, redis replay: ${ratio('redis-replay')}`,
  );
  const file = writeResult('idempotency', {
    bench: 'idempotency',
    date: new Date().toISOString(),
    node: process.version,
    load: { rounds: ROUNDS, maxCalls: CALLS, budgetMs: BUDGET_MS },
    results: rows,
    summary: Object.fromEntries(MODES.map((m) => [m, ratio(m)])),
  });
  console.log(`wrote ${file}`);
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1] as Mode, process.argv[at + 2]);
else await parent();
