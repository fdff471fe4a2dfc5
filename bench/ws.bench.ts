/**
 * The WebSocket transport under load: the app and its clients in one process,
 * then the app in a process of its own (BENCH_WS_SERVE set for that child, which
 * reports its CPU time), so the server's share shows apart from socket.io-client's.
 *
 * 1. Throughput: 100 sockets (socket.io-client, websocket transport) each mount
 *    one view and run a closed loop of `event`s (a DTO-validated handler that
 *    changes an assign) for BENCH_WS_DURATION seconds after BENCH_WS_WARMUP:
 *    events/s and the round-trip p50/p99/max.
 * 2. Memory per mounted view: 10,000 views mounted over 10 sockets
 *    (`ws.maxViewsPerSocket` raised), heapUsed after a full GC before and after,
 *    divided by the number of views; then the sockets disconnect and the heap
 *    is measured again (the views must be freed).
 *
 * Prints a table and writes bench/results/ws.json.
 * Run: node --expose-gc .build/bench/ws.bench.js (it re-runs itself with
 * --expose-gc when started without it).
 */
import 'reflect-metadata';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { IsInt, IsOptional } from 'class-validator';
import { io, type Socket } from 'socket.io-client';
import { DjustModule, EventHandler, LiveView, LiveViewBase, type DjustAuth } from '../src/index.js';
import { nodeArgsFromEnv, serveUntilStopped, startServer, writeResult } from './bench-support.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  const { status } = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(status ?? 1);
}

const SOCKETS = Number(process.env.BENCH_WS_SOCKETS ?? 100);
const DURATION_S = Math.min(10, Number(process.env.BENCH_WS_DURATION ?? 5));
const WARMUP_S = Number(process.env.BENCH_WS_WARMUP ?? 1);
const MEMORY_VIEWS = Number(process.env.BENCH_WS_VIEWS ?? 10_000);
const MEMORY_SOCKETS = 10;

class StepDto {
  @IsOptional() @IsInt() by?: number;
}

/** Bearer `bench-<n>`: one user per socket. */
@Injectable()
class BenchAuth implements DjustAuth {
  static csrfExempt = true;
  authenticate(req: { headers: Record<string, string | string[] | undefined> }) {
    const h = req.headers.authorization;
    return typeof h === 'string' && h.startsWith('Bearer bench-') ? { id: h.slice(7) } : null;
  }
}

/** A typical small view: a few scalars and a short list. */
@LiveView({ apiName: 'bench' })
class BenchView extends LiveViewBase {
  status = 'new';
  count = 0;
  items = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  owner = '';
  _scratch: number[] = [];

  mount(params: Record<string, unknown>) {
    this.owner = String(params.owner ?? '');
  }

  @EventHandler()
  step({ by }: StepDto) {
    this.count += by ?? 1;
    return this.count;
  }
}

function benchModule(maxViewsPerSocket: number) {
  @Module({
    imports: [DjustModule.forRoot({ authClasses: [BenchAuth], ws: { eventsPerSecond: 0, maxSocketsPerCaller: 0, maxViewsPerSocket } })],
    providers: [BenchAuth, BenchView],
  })
  class WsBenchModule {}
  return WsBenchModule;
}

/** A running bench app: in this process, or (`split`) in a child that reports its CPU time. */
interface BenchApp {
  readonly url: string;
  close(): Promise<unknown>;
  /** The server process's CPU time so far, µs (only for an app in its own process). */
  readonly cpuMicros?: () => Promise<number>;
}

async function boot(maxViewsPerSocket: number, split = false): Promise<BenchApp> {
  if (split) {
    const server = await startServer(fileURLToPath(import.meta.url), { BENCH_WS_SERVE: String(maxViewsPerSocket) }, ['--expose-gc', ...nodeArgsFromEnv()]);
    return { url: server.url, close: () => server.stop(), cpuMicros: () => server.cpuMicros() };
  }
  const app: INestApplication = await NestFactory.create(benchModule(maxViewsPerSocket), new ExpressAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${app.getHttpServer().address().port}`, close: () => app.close() };
}

/** Server CPU µs per event over a measured window, when the server is a process of its own. */
async function cpuWindow(app: BenchApp): Promise<(events: number) => Promise<number | undefined>> {
  const start = app.cpuMicros ? await app.cpuMicros() : undefined;
  return async (events) => {
    if (!app.cpuMicros || start === undefined || events === 0) return undefined;
    return Number((((await app.cpuMicros()) - start) / events).toFixed(1));
  };
}

async function connect(url: string, n: number): Promise<Socket> {
  const socket = io(`${url}/djust`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: `bench-${n}` } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function throughput(split: boolean) {
  const app = await boot(32, split);
  const { url } = app;
  const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => connect(url, i)));
  const refs = await Promise.all(sockets.map(async (s, i) => (await s.emitWithAck('mount', { view: 'bench', params: { owner: `o${i}` } })).ref as string));
  const rtts: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  const loop = async (socket: Socket, ref: string) => {
    while (!stop) {
      const t0 = performance.now();
      const ack = await socket.emitWithAck('event', { ref, handler: 'step', params: { by: '1' } });
      if (measuring) {
        rtts.push(performance.now() - t0);
        if (ack?.error) errors++;
      }
    }
  };
  const loops = sockets.map((s, i) => loop(s, refs[i]));
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const cpu = await cpuWindow(app);
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_S * 1000));
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  const serverCpuUsPerEvent = await cpu(rtts.length);
  stop = true;
  await Promise.all(loops);
  for (const s of sockets) s.disconnect();
  await app.close();
  const sorted = Float64Array.from(rtts).sort();
  return {
    sockets: SOCKETS,
    seconds: Number(elapsed.toFixed(2)),
    events: rtts.length,
    errors,
    eventsPerSecond: Math.round(rtts.length / elapsed),
    serverCpuUsPerEvent,
    p50Ms: Number(percentile(sorted, 50).toFixed(3)),
    p99Ms: Number(percentile(sorted, 99).toFixed(3)),
    maxMs: Number(sorted[sorted.length - 1].toFixed(3)),
  };
}

/**
 * Open loop: events are sent at a fixed rate (BENCH_WS_RATE per second, default
 * 10,000: the goal) spread round-robin over the sockets, whether or not
 * earlier acks came back, so queueing delay shows in the percentiles (no
 * coordinated omission).
 */
async function paced(split: boolean) {
  const rate = Number(process.env.BENCH_WS_RATE ?? 10_000);
  const app = await boot(32, split);
  const { url } = app;
  const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => connect(url, i)));
  const refs = await Promise.all(sockets.map(async (s, i) => (await s.emitWithAck('mount', { view: 'bench', params: { owner: `p${i}` } })).ref as string));
  const rtts: number[] = [];
  let errors = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const tickMs = 5;
  const fire = (i: number, measure: boolean) => {
    const t0 = performance.now();
    const p = sockets[i]
      .emitWithAck('event', { ref: refs[i], handler: 'step', params: { by: 1 } })
      .then((ack) => {
        if (!measure) return;
        rtts.push(performance.now() - t0);
        if (ack?.error) errors++;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const run = async (seconds: number, measure: boolean) => {
    const start = performance.now();
    let next = 0;
    while (performance.now() - start < seconds * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; next < due; next++) {
        fire(next % sockets.length, measure);
        if (measure) sent++;
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
  };
  await run(WARMUP_S, false);
  await run(DURATION_S, true);
  await Promise.all(inflight);
  for (const s of sockets) s.disconnect();
  await app.close();
  const sorted = Float64Array.from(rtts).sort();
  return {
    targetRate: rate,
    sent,
    events: rtts.length,
    errors,
    achievedPerSecond: Math.round(rtts.length / DURATION_S),
    p50Ms: Number(percentile(sorted, 50).toFixed(3)),
    p99Ms: Number(percentile(sorted, 99).toFixed(3)),
    maxMs: Number(sorted[sorted.length - 1].toFixed(3)),
  };
}

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

async function memory() {
  const app = await boot(MEMORY_VIEWS);
  const { url } = app;
  const sockets = await Promise.all(Array.from({ length: MEMORY_SOCKETS }, (_, i) => connect(url, i)));
  // One warm-up mount/unmount per socket, so lazily built structures are not counted.
  for (const s of sockets) await s.emitWithAck('unmount', { ref: (await s.emitWithAck('mount', { view: 'bench' })).ref });
  const before = heapAfterGc();
  const t0 = performance.now();
  const perSocket = Math.ceil(MEMORY_VIEWS / MEMORY_SOCKETS);
  let mounted = 0;
  await Promise.all(
    sockets.map(async (s, i) => {
      for (let batch = 0; batch < perSocket; batch += 100) {
        const acks = await Promise.all(
          Array.from({ length: Math.min(100, perSocket - batch) }, (_, k) => s.emitWithAck('mount', { view: 'bench', params: { owner: `o${i}-${batch + k}` } })),
        );
        mounted += acks.filter((a) => typeof a?.ref === 'string').length;
      }
    }),
  );
  const mountSeconds = (performance.now() - t0) / 1000;
  const after = heapAfterGc();
  for (const s of sockets) s.disconnect();
  // Let the server see the disconnects (I/O), then measure what is left.
  await new Promise((r) => setTimeout(r, 500));
  const freed = heapAfterGc();
  await app.close();
  return {
    views: mounted,
    sockets: MEMORY_SOCKETS,
    mountsPerSecond: Math.round(mounted / mountSeconds),
    heapBeforeMb: Number((before / 2 ** 20).toFixed(1)),
    heapMountedMb: Number((after / 2 ** 20).toFixed(1)),
    heapAfterDisconnectMb: Number((freed / 2 ** 20).toFixed(1)),
    bytesPerView: Math.round((after - before) / mounted),
    retainedAfterDisconnectBytesPerView: Math.round((freed - before) / mounted),
  };
}

const serve = process.env.BENCH_WS_SERVE;
if (serve) {
  const app = await boot(Number(serve));
  serveUntilStopped(Number(new URL(app.url).port), () => app.close());
} else {
  await main();
}

async function main(): Promise<void> {
  const events = await throughput(false);
  const steady = await paced(false);
  const splitEvents = await throughput(true);
  const splitSteady = await paced(true);
  const mem = await memory();

  console.log(`WebSocket transport: app + ${SOCKETS} socket.io clients in one process, then the app in its own process, ${cpus().length} CPUs, node ${process.version}`);
  console.table([
    { metric: 'events/s (closed loop, 100 sockets)', value: events.eventsPerSecond },
    { metric: 'round trip p50 (ms)', value: events.p50Ms },
    { metric: 'round trip p99 (ms)', value: events.p99Ms },
    { metric: 'round trip max (ms)', value: events.maxMs },
    { metric: 'error acks', value: events.errors },
    { metric: `open loop at ${steady.targetRate} events/s: achieved`, value: steady.achievedPerSecond },
    { metric: `open loop at ${steady.targetRate} events/s: p50 (ms)`, value: steady.p50Ms },
    { metric: `open loop at ${steady.targetRate} events/s: p99 (ms)`, value: steady.p99Ms },
    { metric: `open loop at ${steady.targetRate} events/s: error acks`, value: steady.errors },
    { metric: 'app in its own process: events/s (closed loop)', value: splitEvents.eventsPerSecond },
    { metric: 'app in its own process: server CPU µs per event', value: splitEvents.serverCpuUsPerEvent },
    { metric: 'app in its own process: round trip p99 (ms)', value: splitEvents.p99Ms },
    { metric: `app in its own process: open loop at ${splitSteady.targetRate}/s p99 (ms)`, value: splitSteady.p99Ms },
    { metric: `app in its own process: open loop achieved`, value: splitSteady.achievedPerSecond },
    { metric: `heap per mounted view (bytes, ${mem.views} views)`, value: mem.bytesPerView },
    { metric: 'mounts/s', value: mem.mountsPerSecond },
    { metric: 'heap left per view after disconnect (bytes)', value: mem.retainedAfterDisconnectBytesPerView },
  ]);
  const file = writeResult('ws', {
    bench: 'ws',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    load: { sockets: SOCKETS, durationSeconds: DURATION_S, warmupSeconds: WARMUP_S, memoryViews: MEMORY_VIEWS, memorySockets: MEMORY_SOCKETS },
    throughput: events,
    steady,
    appInItsOwnProcess: { throughput: splitEvents, steady: splitSteady },
    memory: mem,
  });
  console.log(`wrote ${file}`);
}
