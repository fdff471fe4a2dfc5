#!/usr/bin/env node
// Long fuzz run: the same properties as test/hardening/fuzz.test.ts, with many more cases.
//
//   npm run build:all && node scripts/fuzz-long.mjs
//   FUZZ_RUNS=20000 FUZZ_SEED=1234 node scripts/fuzz-long.mjs     # replay a seed
//   FUZZ_SEED=1234 FUZZ_PATH="17:3:0" FUZZ_ADAPTERS=express FUZZ_TRANSPORTS=http node scripts/fuzz-long.mjs  # replay one counterexample
//
// Env: FUZZ_RUNS (HTTP cases per adapter, default 5000; WS sessions are a fifth of it),
// FUZZ_SEED (default: random, printed), FUZZ_PATH, FUZZ_ADAPTERS (default "express,fastify"),
// FUZZ_TRANSPORTS (default "http,ws"), FUZZ_BUILD_DIR (compiled tree, default ".build").
// Exits 1 on the first invariant violation (fast-check prints the seed and path to replay it).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const buildDir = resolve(process.env.FUZZ_BUILD_DIR ?? '.build');
const load = (rel) => import(pathToFileURL(resolve(buildDir, rel)).href);

const { fuzzHttp, fuzzWs } = await load('test/hardening/support/fuzz-properties.js');
const { heapAfterGc } = await load('test/hardening/support/invariants.js');
const { coreModule } = await load('test/core/core.fixture.js');
const { bootApp, post } = await load('test/support/app.js');

const runs = Number(process.env.FUZZ_RUNS ?? 5000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.FUZZ_PATH || undefined;
const adapters = (process.env.FUZZ_ADAPTERS ?? 'express,fastify').split(',').map((s) => s.trim()).filter(Boolean);
const transports = new Set((process.env.FUZZ_TRANSPORTS ?? 'http,ws').split(',').map((s) => s.trim()));
const wsRuns = Math.max(1, Math.floor(runs / 5));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error(`bad FUZZ_RUNS/FUZZ_SEED: ${process.env.FUZZ_RUNS}/${process.env.FUZZ_SEED}`);
  process.exit(2);
}

const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

console.log(`fuzz-long: seed ${seed}, ${runs} HTTP cases and ${wsRuns} WS sessions per adapter (${adapters.join(', ')})`);
let failed = false;
for (const adapter of adapters) {
  const running = await bootApp(coreModule({ ws: { maxSocketsPerCaller: 100_000 } }), adapter);
  try {
    const baseline = heapAfterGc();
    const started = Date.now();
    if (transports.has('http')) {
      const stats = await fuzzHttp(running.url, adapter, { seed, numRuns: runs, path });
      console.log(`  ${adapter} HTTP ok in ${((Date.now() - started) / 1000).toFixed(1)} s:`, JSON.stringify(stats));
    }
    if (transports.has('ws')) {
      const wsStarted = Date.now();
      const stats = await fuzzWs(running.url, { seed, numRuns: wsRuns, path });
      console.log(`  ${adapter} WS ok in ${((Date.now() - wsStarted) / 1000).toFixed(1)} s:`, JSON.stringify(stats));
    }
    const health = await post(`${running.url}/djust/api/order/update_status/`, { order_id: 1, status: 'ok' }, { authorization: 'Bearer token-alice' });
    if (health.status !== 200) throw new Error(`the app no longer answers a clean call: ${health.status} ${health.text}`);
    const growth = heapAfterGc() - baseline;
    console.log(`  ${adapter} heap growth after GC: ${(growth / 1048576).toFixed(1)} MiB`);
  } catch (err) {
    failed = true;
    console.error(`  ${adapter} FAILED:`, err);
  } finally {
    await running.close();
  }
}
if (unhandled.length) {
  failed = true;
  console.error('unhandled rejections:', unhandled);
}
console.log(failed ? `fuzz-long: FAILED (seed ${seed})` : `fuzz-long: ok (seed ${seed})`);
process.exit(failed ? 1 : 0);
