/**
 * The cost of tracing per call, through the one dispatch (`DjustDispatcher.dispatch`)
 * of the seed's `update_status` (token auth, DTO validation, the handler, the
 * envelope) in an application context, in a fresh process per mode:
 *
 * - `baseline`: the tracing stage without `@opentelemetry/api` (nothing to check);
 * - `off`: `@opentelemetry/api` installed, no tracer provider registered (the default);
 * - `on`: the OTel SDK registered with a batch span processor and a no-op exporter.
 *
 * Each process warms up, then dispatches until BENCH_TRACING_CALLS calls (default
 * 200,000) or BENCH_TRACING_BUDGET_MS (default 3,000 ms); the modes alternate over
 * BENCH_TRACING_ROUNDS rounds (default 3) and the median is kept. Prints µs/call
 * and the ratios to the baseline (goal: off ≤ 1.02), writes bench/results/tracing.json.
 *
 * Run: node .build/bench/tracing.bench.js
 */
import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { fileURLToPath } from 'node:url';
import { DjustDispatcher } from '../src/core/djust-dispatcher.service.js';
import { DJUST_TRACER } from '../src/djust.internal-constants.js';
import { DjustModule } from '../src/index.js';
import { DjustTracer } from '../src/observability/djust-tracer.js';
import { writeResult } from './bench-support.js';
import { median, printResult, runModes, timeCalls } from './mode-processes.js';
import { BenchTokenAuth, BenchOrderView } from './servers/djust-bench.module.js';
import { BENCH_TOKEN, OrderRepository } from './servers/bench-domain.js';

type Mode = 'baseline' | 'off' | 'on';
const MODES: Mode[] = ['baseline', 'off', 'on'];
const ROUNDS = Math.max(1, Number(process.env.BENCH_TRACING_ROUNDS ?? 3));
const CALLS = Number(process.env.BENCH_TRACING_CALLS ?? 200_000);
const BUDGET_MS = Number(process.env.BENCH_TRACING_BUDGET_MS ?? 3_000);
const WARMUP_MS = 1_000;

/** An exporter that drops every span (the SDK still builds, batches and hands them over). */
class NoopExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

async function child(mode: Mode): Promise<void> {
  if (mode === 'on') new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new NoopExporter())] }).register();
  const tracerProviders = mode === 'baseline' ? [{ provide: DJUST_TRACER, useValue: new DjustTracer(null) }] : [];

  @Global()
  @Module({ providers: tracerProviders, exports: tracerProviders.map((p) => p.provide) })
  class TracerModule {}

  @Module({
    imports: [TracerModule, DjustModule.forRoot({ authClasses: [BenchTokenAuth] })],
    providers: [BenchTokenAuth, OrderRepository, BenchOrderView],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const dispatcher = app.get(DjustDispatcher);
  const caller = { transport: 'http' as const, request: { headers: { authorization: `Bearer ${BENCH_TOKEN}` } }, headers: {}, ip: '127.0.0.1', session: undefined, httpRequest: {} };
  const call = () => dispatcher.dispatch({ kind: 'call', view: 'order', handler: 'update_status', params: { order_id: 42, status: 'shipped' }, caller, requestId: 'bench' });
  const check = await call();
  if (!check.ok) throw new Error(`the bench call failed: ${check.error.kind}`);
  printResult({ mode, ...(await timeCalls(call, { calls: CALLS, budgetMs: BUDGET_MS, warmupMs: WARMUP_MS })) });
  await app.close();
  process.exit(0);
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const samples = await runModes(self, MODES, ROUNDS);
  const rows = MODES.map((mode) => ({ mode, usPerCall: Number(median(samples.get(mode)!).toFixed(3)), rounds: samples.get(mode)!.map((x) => Number(x.toFixed(3))) }));
  const base = rows[0].usPerCall;
  const ratio = (mode: Mode) => Number((rows.find((r) => r.mode === mode)!.usPerCall / base).toFixed(3));
  console.log(`DjustDispatcher.dispatch(update_status): median of ${ROUNDS} alternating processes per mode`);
  console.table(rows.map((r) => ({ mode: r.mode, 'µs/call': r.usPerCall, 'ratio to baseline': Number((r.usPerCall / base).toFixed(3)), rounds: r.rounds.join(' / ') })));
  console.log(`tracing off (no provider) ÷ baseline: ${ratio('off')} (goal ≤ 1.02); on (SDK, batch, no-op exporter) ÷ baseline: ${ratio('on')}`);
  const file = writeResult('tracing', {
    bench: 'tracing',
    date: new Date().toISOString(),
    node: process.version,
    load: { rounds: ROUNDS, maxCalls: CALLS, budgetMs: BUDGET_MS },
    results: rows,
    summary: { baselineUs: base, offRatio: ratio('off'), onRatio: ratio('on') },
  });
  console.log(`wrote ${file}`);
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1] as Mode);
else await parent();
