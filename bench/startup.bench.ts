/**
 * Startup time with 500 views: 500 view classes generated programmatically (one
 * exposed handler with a DTO each, decorators applied as functions), booted in a
 * fresh process: `NestFactory.create` + `listen` (discovery, records, routes,
 * gateway). Compared with the same app with 0 views. Median of BENCH_STARTUP_RUNS
 * (default 3) processes per size. Writes bench/results/startup.json.
 *
 * Run: node .build/bench/startup.bench.js
 */
import 'reflect-metadata';
import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { fileURLToPath } from 'node:url';
import { DjustModule, EventHandler, LiveView, LiveViewBase } from '../src/index.js';
import { runScript, writeResult } from './bench-support.js';
import { OrderRepository, UpdateStatusDto } from './servers/bench-domain.js';
import { BenchTokenAuth } from './servers/djust-bench.module.js';

const SIZES = [0, 500];
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3);

/** A view class `Generated<i>View` (apiName `generated-<i>`) with one exposed `update_status(dto)`. */
function generateView(i: number): Type<LiveViewBase> {
  const View = class extends LiveViewBase {
    status = 'new';
    constructor(readonly orders: OrderRepository) {
      super();
    }
    update_status(dto: UpdateStatusDto) {
      this.orders.setStatus(dto.order_id, dto.status);
      this.status = dto.status;
      return dto;
    }
  };
  Object.defineProperty(View, 'name', { value: `Generated${i}View` });
  Reflect.defineMetadata('design:paramtypes', [OrderRepository], View);
  Reflect.defineMetadata('design:paramtypes', [UpdateStatusDto], View.prototype, 'update_status');
  const descriptor = Object.getOwnPropertyDescriptor(View.prototype, 'update_status')!;
  EventHandler({ exposeApi: true, description: `Handler of view ${i}` })(View.prototype, 'update_status', descriptor);
  LiveView({ apiName: `generated-${i}` })(View);
  return View;
}

async function child(views: number): Promise<void> {
  const generateStart = performance.now();
  const classes = Array.from({ length: views }, (_, i) => generateView(i));
  const generateMs = performance.now() - generateStart;
  @Module({
    imports: [DjustModule.forRoot({ authClasses: [BenchTokenAuth] })],
    providers: [OrderRepository, BenchTokenAuth, ...classes],
  })
  class StartupModule {}
  const t0 = performance.now();
  const app = await NestFactory.create(StartupModule, new ExpressAdapter(), { logger: false });
  const createdMs = performance.now() - t0;
  await app.listen(0, '127.0.0.1');
  const bootMs = performance.now() - t0;
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  let probe = 0;
  if (views > 0) {
    const res = await fetch(`${url}/djust/api/generated-${views - 1}/update_status/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer token-bench' },
      body: JSON.stringify({ order_id: 1, status: 'ok' }),
    });
    probe = res.status;
  }
  await app.close();
  process.stdout.write(`RESULT ${JSON.stringify({ views, generateMs, createMs: createdMs, bootMs, probe, rssMb: process.memoryUsage().rss / 2 ** 20 })}\n`);
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const rows = [];
  for (const views of SIZES) {
    const runs: Record<string, number>[] = [];
    for (let r = 0; r < RUNS; r++) {
      const { code, stdout } = await runScript(self, ['--child', String(views)], {}, false);
      const line = /RESULT (.*)/.exec(stdout)?.[1];
      if (code !== 0 || !line) throw new Error(`startup child (${views} views) failed with code ${code}:\n${stdout}`);
      const result = JSON.parse(line);
      if (views > 0 && result.probe !== 200) throw new Error(`generated view answered ${result.probe}`);
      runs.push(result);
    }
    const median = (key: string) => [...runs.map((x) => x[key] as number)].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    rows.push({ views, bootMs: Math.round(median('bootMs')), createMs: Math.round(median('createMs')), rssMb: Math.round(median('rssMb')), runs });
  }
  const [empty, full] = rows;
  const perViewMs = Math.round(((full.bootMs - empty.bootMs) / SIZES[1]) * 100) / 100;
  console.log(`Startup (express, NestFactory.create + listen), median of ${RUNS} processes`);
  console.table(rows.map((r) => ({ views: r.views, 'boot ms': r.bootMs, 'create ms': r.createMs, 'rss MB': r.rssMb })));
  console.log(`cost per view: ${perViewMs} ms`);
  const file = writeResult('startup', { bench: 'startup', date: new Date().toISOString(), node: process.version, runs: RUNS, results: rows, summary: { perViewMs, bootMs500: full.bootMs, bootMs0: empty.bootMs } });
  console.log(`wrote ${file}`);
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(Number(process.argv[at + 1]));
else await parent();
