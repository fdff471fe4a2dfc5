/**
 * `npm run bench`: every benchmark, one command.
 *
 * HTTP (bench/results/http.json): each server starts in its own child process on
 * 127.0.0.1, is checked to answer the seed's `update_status` with the same body,
 * warmed up, driven by autocannon (POST, `-c 50`, BENCH_DURATION seconds), then
 * stopped. Ratios are to the hand-written NestJS baseline measured in the same run
 * on the same adapter (ValidationPipe + ThrottlerGuard + bearer guard), and for
 * fastify to a raw fastify route doing the same JSON work.
 *
 * Then, each in its own process: the limiter micro-bench (limiter.bench), the diff
 * cost (diff.bench), startup with 500 views (startup.bench), and the WS and OpenAPI
 * benches (ws.bench, openapi.bench) when they exist.
 *
 * Environment:
 * - BENCH_DURATION   seconds of load per HTTP case (default 5)
 * - BENCH_WARMUP     seconds of unmeasured load first (default 1)
 * - BENCH_CONNECTIONS autocannon connections (default 50)
 * - BENCH_ROUNDS     run every HTTP case this many times, interleaved, and keep the
 *                    median (default 1; more evens out a noisy machine)
 * - BENCH_ONLY       regex: only the HTTP cases whose id matches
 * - BENCH_SUITES     comma list among http,limiter,diff,startup,ws,openapi (default all)
 * - BENCH_NODE_ARGS  extra node flags for HTTP server children, e.g.
 *                    "--cpu-prof --cpu-prof-dir=bench/results/profiles"
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { load, type LoadResult } from './autocannon.runner.js';
import { nodeArgsFromEnv, runScript, startServer, writeResult } from './bench-support.js';
import { BENCH_BODY, BENCH_EXPECTED, BENCH_TOKEN } from './servers/bench-domain.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const SUITES = new Set((process.env.BENCH_SUITES ?? 'http,limiter,diff,startup,ws,openapi').split(',').map((s) => s.trim()));

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** One HTTP benchmark case. */
interface HttpCase {
  id: string;
  what: string;
  env: Record<string, string>;
  path: string;
  /** Id of the hand-written case this one is compared with. */
  baseline?: string;
  /** Id of the raw case this one is compared with. */
  raw?: string;
}

const DJUST_PATH = (slug: string) => `/djust/api/${slug}/update_status/`;
const PLAIN_PATH = '/djust/api/order/update_status';

function httpCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  for (const adapter of ['express', 'fastify'] as const) {
    const raw = adapter === 'fastify' ? 'fastify/raw' : undefined;
    for (const ttl of [1, 60]) {
      cases.push({
        id: `${adapter}/nest-throttler-${ttl}s`,
        what: `hand-written controller, ThrottlerGuard ttl ${ttl} s`,
        env: { BENCH_SERVER: 'nest', BENCH_ADAPTER: adapter, BENCH_THROTTLER_TTL: String(ttl * 1000) },
        path: PLAIN_PATH,
        raw,
      });
    }
    cases.push({
      id: `${adapter}/djust`,
      what: 'djust HTTP API, no @RateLimit',
      env: { BENCH_SERVER: 'djust', BENCH_ADAPTER: adapter },
      path: DJUST_PATH('order'),
      baseline: `${adapter}/nest-throttler-60s`,
      raw,
    });
    for (const ttl of [1, 60]) {
      cases.push({
        id: `${adapter}/djust-ratelimit-${ttl}s`,
        what: `djust HTTP API, @RateLimit ttl ${ttl} s`,
        env: { BENCH_SERVER: 'djust', BENCH_ADAPTER: adapter },
        path: DJUST_PATH(`order-rl${ttl}s`),
        baseline: `${adapter}/nest-throttler-${ttl}s`,
        raw,
      });
    }
  }
  for (const adapter of ['express', 'fastify'] as const) {
    cases.push({
      id: `${adapter}/nest-hosted-raw`,
      what: 'raw handler on the Nest app\'s own instance (no controller): the Nest-hosted floor',
      env: { BENCH_SERVER: 'nest-hosted-raw', BENCH_ADAPTER: adapter },
      path: PLAIN_PATH,
      raw: adapter === 'fastify' ? 'fastify/raw' : undefined,
    });
  }
  cases.push({ id: 'fastify/raw', what: 'raw fastify route, same JSON work', env: { BENCH_SERVER: 'raw-fastify' }, path: PLAIN_PATH });
  cases.push({ id: 'node/raw', what: 'raw node:http, same JSON work', env: { BENCH_SERVER: 'raw-node' }, path: PLAIN_PATH });
  return cases.filter((c) => !ONLY || ONLY.test(c.id));
}

const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` };

/** Starts the case's server, checks its answer, warms it up, measures, stops it. */
/** A load result plus the server's CPU time per request. */
interface CaseResult extends LoadResult {
  /** Server process CPU (user + system) per request during the measured run, µs. */
  cpuUsPerReq: number;
}

async function runHttpCase(c: HttpCase): Promise<CaseResult> {
  const server = await startServer(here('./http-server.main.js'), c.env, nodeArgsFromEnv());
  try {
    const url = `${server.url}${c.path}`;
    const res = await fetch(url, { method: 'POST', headers, body: BENCH_BODY });
    const body = await res.json().catch(() => undefined);
    if (res.status !== 200 || !isDeepStrictEqual(body, BENCH_EXPECTED)) {
      throw new Error(`${c.id}: unexpected answer ${res.status} ${JSON.stringify(body)}`);
    }
    if (WARMUP > 0) await load({ url, connections: CONNECTIONS, duration: WARMUP, headers, body: BENCH_BODY });
    const cpuBefore = await server.cpuMicros();
    const result = await load({ url, connections: CONNECTIONS, duration: DURATION, headers, body: BENCH_BODY });
    const cpuUsPerReq = Math.round(((await server.cpuMicros()) - cpuBefore) / Math.max(1, result.requests));
    if (result.failures > 0) throw new Error(`${c.id}: ${result.failures} failed requests ${JSON.stringify(result.statusCodes)}`);
    return { ...result, cpuUsPerReq };
  } finally {
    await server.stop();
  }
}

const ratio = (a: number | undefined, b: number | undefined) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);

async function runHttp(): Promise<void> {
  const cases = httpCases();
  const samples = new Map<string, CaseResult[]>(cases.map((c) => [c.id, []]));
  console.log(`HTTP: ${cases.length} cases × ${ROUNDS} round(s), autocannon -c ${CONNECTIONS}, ${WARMUP} s warm-up + ${DURATION} s each, POST ${BENCH_BODY}`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of cases) {
      process.stdout.write(`  ${ROUNDS > 1 ? `[${round}/${ROUNDS}] ` : ''}${c.id} ... `);
      const r = await runHttpCase(c);
      samples.get(c.id)!.push(r);
      console.log(`${r.rps} req/s, ${r.cpuUsPerReq} µs server CPU/req`);
    }
  }
  /** The run with the median req/s of each case. */
  const results = new Map<string, CaseResult>(
    cases.map((c) => {
      const runs = [...samples.get(c.id)!].sort((a, b) => a.rps - b.rps);
      return [c.id, runs[Math.floor((runs.length - 1) / 2)]];
    }),
  );
  const rows = cases.map((c) => {
    const r = results.get(c.id)!;
    return {
      id: c.id,
      what: c.what,
      rps: r.rps,
      p50: r.p50,
      p99: r.p99,
      cpuUsPerReq: r.cpuUsPerReq,
      requests: r.requests,
      rpsPerRound: samples.get(c.id)!.map((x) => x.rps),
      baseline: c.baseline,
      ratioToBaseline: c.baseline ? ratio(r.rps, results.get(c.baseline)?.rps) : undefined,
      ratioToRawFastify: c.raw ? ratio(r.rps, results.get(c.raw)?.rps) : undefined,
      cpuRatioToBaseline: c.baseline ? ratio(results.get(c.baseline)?.cpuUsPerReq, r.cpuUsPerReq) : undefined,
    };
  });
  console.table(
    rows.map((r) => ({
      case: r.id,
      'req/s': r.rps,
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'CPU µs/req': r.cpuUsPerReq,
      'vs hand-written': r.ratioToBaseline ?? '',
      'vs raw fastify': r.ratioToRawFastify ?? '',
      'CPU vs hand-written': r.cpuRatioToBaseline ?? '',
    })),
  );
  const rps = (id: string) => results.get(id)?.rps;
  /** Inverse CPU per request, so that ratios read like throughput ratios (higher = cheaper). */
  const cpu = (id: string) => (results.get(id)?.cpuUsPerReq ? 1 / results.get(id)!.cpuUsPerReq : undefined);
  const summary: Record<string, number | undefined> = {};
  for (const adapter of ['express', 'fastify']) {
    summary[`${adapter}: djust @RateLimit 60s / hand-written ThrottlerGuard 60s (target >= 1.5)`] = ratio(rps(`${adapter}/djust-ratelimit-60s`), rps(`${adapter}/nest-throttler-60s`));
    summary[`${adapter}: djust @RateLimit 1s / hand-written ThrottlerGuard 1s (target >= 1.5)`] = ratio(rps(`${adapter}/djust-ratelimit-1s`), rps(`${adapter}/nest-throttler-1s`));
    summary[`${adapter}: djust @RateLimit 60s / 1s (target >= 0.95)`] = ratio(rps(`${adapter}/djust-ratelimit-60s`), rps(`${adapter}/djust-ratelimit-1s`));
    summary[`${adapter}: ThrottlerGuard 60s / 1s`] = ratio(rps(`${adapter}/nest-throttler-60s`), rps(`${adapter}/nest-throttler-1s`));
    summary[`${adapter}: djust with / without @RateLimit 60s`] = ratio(rps(`${adapter}/djust-ratelimit-60s`), rps(`${adapter}/djust`));
  }
  for (const adapter of ['express', 'fastify']) {
    summary[`${adapter}: CPU/req hand-written 60s / djust @RateLimit 60s`] = ratio(cpu(`${adapter}/djust-ratelimit-60s`), cpu(`${adapter}/nest-throttler-60s`));
    summary[`${adapter}: CPU/req hand-written 1s / djust @RateLimit 1s`] = ratio(cpu(`${adapter}/djust-ratelimit-1s`), cpu(`${adapter}/nest-throttler-1s`));
    summary[`${adapter}: CPU/req djust @RateLimit 1s / 60s`] = ratio(cpu(`${adapter}/djust-ratelimit-60s`), cpu(`${adapter}/djust-ratelimit-1s`));
  }
  summary['fastify: CPU/req raw fastify / djust @RateLimit 60s'] = ratio(cpu('fastify/djust-ratelimit-60s'), cpu('fastify/raw'));
  summary['fastify: CPU/req raw fastify / djust (no limit)'] = ratio(cpu('fastify/djust'), cpu('fastify/raw'));
  summary['fastify: Nest-hosted raw route / raw fastify'] = ratio(rps('fastify/nest-hosted-raw'), rps('fastify/raw'));
  summary['fastify: djust (no limit) / Nest-hosted raw route'] = ratio(rps('fastify/djust'), rps('fastify/nest-hosted-raw'));
  summary['express: djust (no limit) / Nest-hosted raw route'] = ratio(rps('express/djust'), rps('express/nest-hosted-raw'));
  summary['fastify: djust (no limit) / raw fastify (target >= 0.5)'] = ratio(rps('fastify/djust'), rps('fastify/raw'));
  summary['fastify: djust @RateLimit 60s / raw fastify (target >= 0.5)'] = ratio(rps('fastify/djust-ratelimit-60s'), rps('fastify/raw'));
  const defined = Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined));
  console.log('Ratios (req/s, same run):');
  for (const [k, v] of Object.entries(defined)) console.log(`  ${k}: ${v}`);
  const file = writeResult('http', {
    bench: 'http',
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    load: { tool: 'autocannon', rounds: ROUNDS, connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: DURATION, method: 'POST', body: BENCH_BODY },
    serverNodeArgs: nodeArgsFromEnv(),
    results: rows,
    summary: defined,
  });
  console.log(`wrote ${file}`);
}

/** Runs a sibling bench script when it has been built; reports a missing one. */
async function runSibling(name: string, file: string): Promise<void> {
  const script = here(file);
  console.log(`\n== ${name} (${file}) ==`);
  if (!existsSync(script)) {
    console.log(`  skipped: ${file} not found`);
    return;
  }
  const { code } = await runScript(script);
  if (code !== 0) throw new Error(`${file} exited with code ${code}`);
}

if (SUITES.has('http')) await runHttp();
if (SUITES.has('limiter')) await runSibling('rate limiter, ttl 1 s vs 60 s', './limiter.bench.js');
if (SUITES.has('diff')) await runSibling('assigns diff, 10,000-row view', './diff.bench.js');
if (SUITES.has('startup')) await runSibling('startup with 500 views', './startup.bench.js');
if (SUITES.has('ws')) await runSibling('WebSocket events', './ws.bench.js');
if (SUITES.has('openapi')) await runSibling('OpenAPI generation, 1,000 handlers', './openapi.bench.js');
