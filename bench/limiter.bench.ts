/**
 * Rate-limiter cost per call vs window length.
 *
 * Runs `RateLimiter.consume` over MemoryThrottlerStorage and over @nestjs/throttler's
 * stock ThrottlerStorageService, at ttl 1 s and 60 s, under the same load: CALLS calls
 * round-robin over KEYS keys, arriving at RATE calls/s of *simulated* time (a fake
 * clock, so the number of hits inside a window is the same on any machine), with a
 * limit high enough that nothing is refused. Prints ns/call and the 60s/1s ratio, and
 * writes bench/results/limiter.json. BENCH_LIMITER_ROUNDS (default 5): rounds of the
 * MemoryThrottlerStorage cases.
 *
 * Run: node .build/bench/limiter.bench.js
 */
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { MemoryThrottlerStorage } from '../src/rate-limit/memory-throttler.storage.js';
import { RateLimiter } from '../src/rate-limit/rate-limiter.service.js';
import { writeResult } from './bench-support.js';

const CALLS = 200_000;
const WARMUP = 20_000;
const KEYS = 50;
const RATE = 20_000; // simulated calls per second (all keys)
const LIMIT = 1_000_000;
const CASE_BUDGET_MS = 10_000;
const TTLS = [1_000, 60_000];

interface CaseResult {
  storage: string;
  ttlMs: number;
  calls: number;
  nsPerCall: number;
  truncated: boolean;
  /** ns/call of every round (the median is kept). */
  rounds?: number[];
}

/** Simulated clock: +1 ms every RATE/1000 calls. Drives Date.now for the stock storage too. */
function simulatedClock() {
  let calls = 0;
  const start = 1_700_000_000_000;
  return {
    now: () => start + Math.floor(calls / (RATE / 1000)),
    tick: () => void calls++,
  };
}

async function runCase(name: string, makeStorage: (now: () => number) => ThrottlerStorage & { onApplicationShutdown?(): void }, ttlMs: number): Promise<CaseResult> {
  const clock = simulatedClock();
  const realDateNow = Date.now;
  Date.now = clock.now;
  const storage = makeStorage(clock.now);
  const limiter = new RateLimiter(storage, { failure: 'closed' });
  const keys = Array.from({ length: KEYS }, (_, i) => `ip:10.0.0.${i}`);
  try {
    for (let i = 0; i < WARMUP; i++) {
      await limiter.consume('bench-view:handler', keys[i % KEYS], LIMIT, ttlMs);
      clock.tick();
    }
    let calls = 0;
    let truncated = false;
    const t0 = process.hrtime.bigint();
    const deadline = performance.now() + CASE_BUDGET_MS;
    for (; calls < CALLS; calls++) {
      const d = await limiter.consume('bench-view:handler', keys[calls % KEYS], LIMIT, ttlMs);
      if (!d.allowed) throw new Error(`${name}: unexpected refusal`);
      clock.tick();
      if ((calls & 1023) === 0 && performance.now() > deadline) {
        truncated = true;
        break;
      }
    }
    const ns = Number(process.hrtime.bigint() - t0);
    return { storage: name, ttlMs, calls, nsPerCall: Math.round(ns / Math.max(1, calls)), truncated };
  } finally {
    Date.now = realDateNow;
    storage.onApplicationShutdown?.();
  }
}

const storages: [string, (now: () => number) => ThrottlerStorage & { onApplicationShutdown?(): void }][] = [
  ['MemoryThrottlerStorage', (now) => new MemoryThrottlerStorage({ now })],
  ['ThrottlerStorageService (@nestjs/throttler)', () => new ThrottlerStorageService()],
];

/**
 * MemoryThrottlerStorage: ROUNDS rounds, ttl 1 s and 60 s alternating, median kept, so
 * that JIT warm-up and a busy machine do not favour whichever runs second. The stock
 * storage (tens of µs per call at 60 s) runs once per ttl.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_LIMITER_ROUNDS ?? 5));
const results: CaseResult[] = [];
for (const [name, make] of storages) {
  const rounds = name === 'MemoryThrottlerStorage' ? ROUNDS : 1;
  const samples = new Map<number, CaseResult[]>(TTLS.map((ttl) => [ttl, []]));
  for (let round = 0; round < rounds; round++) {
    for (const ttl of round % 2 === 0 ? TTLS : [...TTLS].reverse()) samples.get(ttl)!.push(await runCase(name, make, ttl));
  }
  for (const ttl of TTLS) {
    const sorted = samples.get(ttl)!.sort((a, b) => a.nsPerCall - b.nsPerCall);
    results.push({ ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: sorted.map((r) => r.nsPerCall) });
  }
}

const rows = storages.map(([name]) => {
  const [short, long] = TTLS.map((ttl) => results.find((r) => r.storage === name && r.ttlMs === ttl)!);
  return { storage: name, ns1s: short.nsPerCall, ns60s: long.nsPerCall, ratio: Number((long.nsPerCall / short.nsPerCall).toFixed(2)), truncated: short.truncated || long.truncated };
});

console.log(`RateLimiter.consume: ${CALLS} calls over ${KEYS} keys at ${RATE} calls/s simulated, limit ${LIMIT}; MemoryThrottlerStorage median of ${ROUNDS} alternating rounds`);
console.table(rows.map((r) => ({ storage: r.storage, 'ns/call ttl 1s': r.ns1s, 'ns/call ttl 60s': r.ns60s, 'ratio 60s/1s': r.ratio, ...(r.truncated ? { note: 'stopped at 10 s budget' } : {}) })));

const outFile = writeResult('limiter', {
  bench: 'limiter',
  date: new Date().toISOString(),
  node: process.version,
  load: { calls: CALLS, warmup: WARMUP, keys: KEYS, simulatedCallsPerSecond: RATE, limit: LIMIT, memoryRounds: ROUNDS },
  results,
  summary: rows,
});
console.log(`wrote ${outFile}`);
