import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { coreModule } from '../core/core.fixture.js';
import { ADAPTERS, bootApp, post, type AdapterName, type RunningApp } from '../support/app.js';
import { bearer } from '../support/token-auth.js';
import { fuzzHttp, fuzzSettingsFromEnv, fuzzWs, type FuzzStats } from './support/fuzz-properties.js';
import { heapAfterGc } from './support/invariants.js';

/**
 * Property-based fuzzing of both transports against the core fixture app
 * (every handler shape: DTOs, nested DTOs, arrays, apiResponse, a throwing
 * handler whose message holds a secret). Seeded: `FUZZ_SEED` replays a run;
 * `FUZZ_RUNS` overrides the number of cases. To replay one counterexample,
 * pass the printed seed and path to `scripts/fuzz-long.mjs` (`FUZZ_SEED`,
 * `FUZZ_PATH`, narrowed with `FUZZ_ADAPTERS` and `FUZZ_TRANSPORTS`), which
 * also runs the same properties longer.
 */
const HTTP_RUNS = 400;
const WS_RUNS = 100;
const HTTP = fuzzSettingsFromEnv(HTTP_RUNS);
const WS = fuzzSettingsFromEnv(WS_RUNS);
/** Heap growth tolerated after a full GC, bytes. */
const HEAP_SLACK = 24 * 1024 * 1024;

describe(`fuzz: hostile input over HTTP and WS (seed ${HTTP.seed})`, () => {
  const apps = new Map<AdapterName, RunningApp>();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let baselineHeap = 0;

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    for (const adapter of ADAPTERS) {
      // Many short-lived sockets in a row: the per-caller socket cap is not under test here.
      apps.set(adapter, await bootApp(coreModule({ ws: { maxSocketsPerCaller: 10_000 } }), adapter));
    }
    // Warm up (JIT, class-validator caches, throttler buckets) before taking the baseline.
    for (const adapter of ADAPTERS) {
      await fuzzHttp(apps.get(adapter)!.url, adapter, { seed: 1, numRuns: 25 });
      await fuzzWs(apps.get(adapter)!.url, { seed: 1, numRuns: 10 });
    }
    baselineHeap = heapAfterGc();
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    for (const running of apps.values()) await running.close();
  });

  /** The generator reaches every layer (checked at the default size, where missing one would be a generator bug). */
  const reached = (stats: FuzzStats, keys: string[], runs: number, defaultRuns: number) => {
    if (runs < defaultRuns) return;
    for (const key of keys) assert.ok((stats[key] ?? 0) > 0, `the fuzz never produced ${key}: ${JSON.stringify(stats)}`);
  };

  for (const adapter of ADAPTERS) {
    it(`HTTP (${adapter}): envelope, no foreign 5xx, no leak, prototypes untouched`, async () => {
      const stats = await fuzzHttp(apps.get(adapter)!.url, adapter, HTTP);
      reached(stats, ['200', '400', '401', '404', '405', '413', '415', '500'], HTTP.numRuns, HTTP_RUNS);
    });

    it(`WS (${adapter}): documented acks only, the socket survives`, async () => {
      const stats = await fuzzWs(apps.get(adapter)!.url, WS);
      reached(stats, ['mount:ok', 'event:ok', 'event:validation_error', 'event:not_found', 'event:handler_error', 'hostile-field', 'noack'], WS.numRuns, WS_RUNS);
    });
  }

  it('the process is up, nothing was rejected unhandled, memory returns near baseline', async () => {
    for (const adapter of ADAPTERS) {
      const res = await post(`${apps.get(adapter)!.url}/djust/api/order/update_status/`, { order_id: 1, status: 'ok' }, bearer('token-alice'));
      assert.equal(res.status, 200);
    }
    assert.deepEqual(unhandled, []);
    const growth = heapAfterGc() - baselineHeap;
    assert.ok(growth < HEAP_SLACK, `heap grew by ${(growth / 1048576).toFixed(1)} MiB after the fuzz (tolerance ${HEAP_SLACK / 1048576} MiB)`);
  });
});
