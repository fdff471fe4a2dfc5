/**
 * Diff cost on a view with a 10,000-row assign, through the pipeline's own
 * functions (src/serialization/assigns.ts):
 *
 * - WS event: the handler changes one scalar, pushes one row, or edits one field
 *   of one row; the time is the `diffAssigns(view, record, baseline, true)` call
 *   the pipeline makes after it.
 * - HTTP call: `snapshotAssigns` before the handler plus `diffAssigns` after it,
 *   as the pipeline does per HTTP call (the one-scalar case).
 *
 * Prints µs per diff (median, p99, mean) and writes bench/results/diff.json.
 * On a shared machine the median is the number to read; p99 and mean carry the
 * pauses of other processes.
 * Run: npm run build:all && node .build/bench/diff.bench.js   (BENCH_DIFF_ITERATIONS, default 300)
 */
import 'reflect-metadata';
import type { ViewRecord } from '../src/discovery/view-record.interface.js';
import { LiveViewBase } from '../src/live-view.base.js';
import { diffAssigns, snapshotAssigns } from '../src/serialization/assigns.js';
import { writeResult } from './bench-support.js';

const ROWS = 10_000;
const ITERATIONS = Number(process.env.BENCH_DIFF_ITERATIONS ?? 300);
const WARMUP = Math.max(20, Math.floor(ITERATIONS / 10));
/** The one-scalar-diff target of issue 18, µs (median). */
const SCALAR_TARGET_US = 100;

interface Row {
  id: number;
  sku: string;
  qty: number;
  price: number;
  shipped: boolean;
}

class OrdersView extends LiveViewBase {
  status = 'new';
  page = 1;
  rows: Row[] = Array.from({ length: ROWS }, (_, i) => ({ id: i, sku: `SKU-${i}`, qty: i % 7, price: i * 1.5, shipped: i % 2 === 0 }));
}

/** What `assigns.ts` reads from a record: the view has no injected dependencies. */
const record = { dependencyKeys: new Set<string>() } as unknown as ViewRecord;

interface Stats {
  case: string;
  rows: number;
  iterations: number;
  medianUs: number;
  p99Us: number;
  meanUs: number;
  /** Median CPU time of the process (user + system) per diff: what waiting for a core does not inflate. */
  cpuMedianUs: number;
  changedKeys: string[];
}

const round = (n: number) => Math.round(n * 10) / 10;
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1];

function stats(name: string, samples: number[], cpuSamples: number[], changedKeys: string[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    case: name,
    rows: ROWS,
    iterations: samples.length,
    medianUs: round(at(0.5)),
    p99Us: round(at(0.99)),
    meanUs: round(samples.reduce((s, x) => s + x, 0) / samples.length),
    cpuMedianUs: round(median(cpuSamples)),
    changedKeys,
  };
}

/**
 * Runs `step` WARMUP + ITERATIONS times on one view; `step` mutates the view and
 * returns the timed part (a diff), whose duration is sampled after the warm-up.
 */
function measure(name: string, step: (view: OrdersView, i: number) => () => Record<string, unknown>): Stats {
  const view = new OrdersView();
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let changed: string[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const timed = step(view, i);
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = timed();
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    if (i >= WARMUP) {
      samples.push(us);
      cpuSamples.push(cpu.user + cpu.system);
    }
    changed = Object.keys(out);
  }
  return stats(name, samples, cpuSamples, changed);
}

/** The WS baseline of a mounted view (what its client last saw), per view. */
const baselines = new WeakMap<OrdersView, ReturnType<typeof snapshotAssigns>>();
const wsBaseline = (view: OrdersView) => {
  let baseline = baselines.get(view);
  if (!baseline) baselines.set(view, (baseline = snapshotAssigns(view, record)));
  return baseline;
};

const results: Stats[] = [
  measure('ws: one scalar changed', (view, i) => {
    const baseline = wsBaseline(view);
    view.status = `s${i}`;
    return () => diffAssigns(view, record, baseline, true);
  }),
  measure('ws: one row pushed', (view, i) => {
    const baseline = wsBaseline(view);
    view.rows.push({ id: ROWS + i, sku: `NEW-${i}`, qty: 1, price: 1, shipped: false });
    return () => diffAssigns(view, record, baseline, true);
  }),
  measure('ws: one row field edited', (view, i) => {
    const baseline = wsBaseline(view);
    view.rows[(i * 7919) % ROWS].qty = i;
    return () => diffAssigns(view, record, baseline, true);
  }),
  measure('http: snapshot + diff, one scalar changed', (view, i) => () => {
    const before = snapshotAssigns(view, record);
    view.status = `s${i}`;
    return diffAssigns(view, record, before);
  }),
];

console.log(`Assigns diff on a view with a ${ROWS}-row assign (${ITERATIONS} iterations, µs per diff)`);
console.table(
  results.map((r) => ({ case: r.case, 'median µs': r.medianUs, 'p99 µs': r.p99Us, 'mean µs': r.meanUs, 'cpu median µs': r.cpuMedianUs, changed: r.changedKeys.join(',') })),
);
const scalar = results[0];
const summary = { scalarTargetUs: SCALAR_TARGET_US, scalarMedianUs: scalar.medianUs, scalarMeetsTarget: scalar.medianUs < SCALAR_TARGET_US };
console.log(`one-scalar diff: ${scalar.medianUs} µs median (target < ${SCALAR_TARGET_US} µs: ${summary.scalarMeetsTarget ? 'met' : 'MISSED'})`);
const file = writeResult('diff', { bench: 'diff', date: new Date().toISOString(), node: process.version, rows: ROWS, iterations: ITERATIONS, results, summary });
console.log(`wrote ${file}`);
