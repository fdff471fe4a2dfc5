/**
 * `npm run bench`: every benchmark, one command.
 *
 * HTTP (bench/results/http.json, summary.md): each server starts in its own child
 * process on 127.0.0.1, is checked to answer the seed's `update_status` with the
 * same bytes (and to refuse a missing token with 401 and an invalid body with
 * 400), warmed up, driven by autocannon (POST, `-c 50`, BENCH_DURATION seconds),
 * then stopped. The summary compares djust, from the same run and on the same
 * adapter, with the raw route, `@orpc/nest`, `@ts-rest/nest` and the hand-written
 * NestJS baseline (ValidationPipe + ThrottlerGuard + bearer guard).
 *
 * Then, each in its own process: the limiter micro-bench (limiter.bench), the diff
 * cost (diff.bench), startup with 500 views (startup.bench), the WS bench
 * (ws.bench), the DTO validator with 1 vs 1,000 DTO classes (validation.bench),
 * the OpenAPI bench (openapi.bench) when it exists, tracing (tracing.bench), the
 * idempotency stage (idempotency.bench), and scale-out (scaleout.bench:
 * cross-process push latency over Redis, and the time from killing a process to
 * every client mounted again elsewhere).
 *
 * Environment:
 * - BENCH_DURATION   seconds of load per HTTP case (default 5)
 * - BENCH_WARMUP     seconds of unmeasured load first (default 1)
 * - BENCH_CONNECTIONS autocannon connections (default 50)
 * - BENCH_ROUNDS     run every HTTP case this many times, interleaved, and keep the
 *                    median (default 1; more evens out a noisy machine)
 * - BENCH_ONLY       regex: only the HTTP cases whose id matches
 * - BENCH_SUITES     comma list among http,limiter,diff,startup,ws,validation,openapi,
 *                    tracing,idempotency,scaleout (default all)
 * - BENCH_NODE_ARGS  extra node flags for HTTP server children, e.g.
 *                    "--cpu-prof --cpu-prof-dir=bench/results/profiles"
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { load, type LoadResult } from './autocannon.runner.js';
import { nodeArgsFromEnv, runScript, startServer, writeResult, writeResultFile } from './bench-support.js';
import { BENCH_BODY, BENCH_EXPECTED, BENCH_INVALID_BODY, BENCH_TOKEN } from './servers/bench-domain.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const SUITES = new Set((process.env.BENCH_SUITES ?? 'http,limiter,diff,startup,ws,validation,openapi,tracing,idempotency,scaleout').split(',').map((s) => s.trim()));

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** One HTTP benchmark case. */
interface HttpCase {
  id: string;
  what: string;
  env: Record<string, string>;
  path: string;
  /** Id of the hand-written case this one is compared with. */
  baseline?: string;
  /** Id of the raw route on the same adapter this one is compared with. */
  raw?: string;
  /** An MCP `tools/call` of the same handler instead of the HTTP API call. */
  mcp?: true;
}

const DJUST_PATH = (slug: string) => `/djust/api/${slug}/update_status/`;
const PLAIN_PATH = '/djust/api/order/update_status';
const ADAPTERS = ['express', 'fastify'] as const;

function httpCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  for (const adapter of ADAPTERS) {
    const raw = `${adapter}/raw`;
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
    cases.push({
      id: `${adapter}/djust-mcp`,
      what: 'djust MCP endpoint, tools/call order.update_status (same handler, no @RateLimit)',
      env: { BENCH_SERVER: 'djust', BENCH_ADAPTER: adapter },
      path: '/djust/mcp',
      raw,
      mcp: true,
    });
    cases.push({
      id: `${adapter}/orpc`,
      what: '@orpc/nest: @Implement(contract), zod 4, bearer oRPC middleware',
      env: { BENCH_SERVER: 'orpc', BENCH_ADAPTER: adapter },
      path: PLAIN_PATH,
      raw,
    });
    cases.push({
      id: `${adapter}/ts-rest`,
      what: '@ts-rest/nest: @TsRestHandler(contract), zod 4, bearer guard',
      env: { BENCH_SERVER: 'ts-rest', BENCH_ADAPTER: adapter },
      path: PLAIN_PATH,
      raw,
    });
  }
  for (const adapter of ADAPTERS) {
    cases.push({
      id: `${adapter}/nest-hosted-raw`,
      what: 'raw handler on the Nest app\'s own instance (no controller): the Nest-hosted floor',
      env: { BENCH_SERVER: 'nest-hosted-raw', BENCH_ADAPTER: adapter },
      path: PLAIN_PATH,
      raw: `${adapter}/raw`,
    });
  }
  cases.push({ id: 'express/raw', what: 'plain Express 5 route, express.json(), same JSON work', env: { BENCH_SERVER: 'raw-express' }, path: PLAIN_PATH });
  cases.push({ id: 'fastify/raw', what: 'raw fastify route, same JSON work', env: { BENCH_SERVER: 'raw-fastify' }, path: PLAIN_PATH });
  cases.push({ id: 'node/raw', what: 'raw node:http, same JSON work', env: { BENCH_SERVER: 'raw-node' }, path: PLAIN_PATH });
  return cases.filter((c) => !ONLY || ONLY.test(c.id));
}

const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` };
const EXPECTED_TEXT = JSON.stringify(BENCH_EXPECTED);

/** The same call as an MCP `tools/call` (JSON-RPC over the Streamable HTTP transport, plain JSON answers). */
const mcpBody = (args: string): string => `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"order.update_status","arguments":${args}}}`;
const MCP_HEADERS = { ...headers, accept: 'application/json, text/event-stream' };

/** What a case sends: the HTTP API's body and headers, or their MCP equivalent. */
function request(c: HttpCase): { headers: Record<string, string>; body: string } {
  return c.mcp ? { headers: MCP_HEADERS, body: mcpBody(BENCH_BODY) } : { headers, body: BENCH_BODY };
}

/** The MCP answer must carry exactly the HTTP API's envelope as `structuredContent`; a refused call, `isError` with its status. */
async function checkMcpAnswers(c: HttpCase, url: string): Promise<void> {
  const post = (h: Record<string, string>, body: string) => fetch(url, { method: 'POST', headers: h, body });
  const ok = await post(MCP_HEADERS, mcpBody(BENCH_BODY));
  const answer = (await ok.json()) as { result?: { structuredContent?: unknown; isError?: boolean } };
  if (ok.status !== 200 || JSON.stringify(answer.result?.structuredContent) !== EXPECTED_TEXT) {
    throw new Error(`${c.id}: expected structuredContent ${EXPECTED_TEXT}, got ${ok.status} ${JSON.stringify(answer)}`);
  }
  const anonymous = await post({ ...MCP_HEADERS, authorization: '' }, mcpBody(BENCH_BODY));
  await anonymous.arrayBuffer();
  if (anonymous.status !== 401) throw new Error(`${c.id}: expected 401 without a token, got ${anonymous.status}`);
  const invalid = (await (await post(MCP_HEADERS, mcpBody(BENCH_INVALID_BODY))).json()) as { result?: { isError?: boolean; structuredContent?: { status?: number } } };
  if (invalid.result?.isError !== true || invalid.result.structuredContent?.status !== 400) {
    throw new Error(`${c.id}: expected a 400 tool error for ${BENCH_INVALID_BODY}, got ${JSON.stringify(invalid)}`);
  }
}

/** A load result plus the server's CPU time per request. */
interface CaseResult extends LoadResult {
  /** Server process CPU (user + system) per request during the measured run, µs. */
  cpuUsPerReq: number;
}

/**
 * Checks that a server does the same work as the others: the exact answer bytes
 * with a JSON content type, 401 without the token, 400 for an invalid body.
 */
async function checkAnswers(c: HttpCase, url: string): Promise<void> {
  const post = (h: Record<string, string>, body: string) => fetch(url, { method: 'POST', headers: h, body });
  const ok = await post(headers, BENCH_BODY);
  const text = await ok.text();
  const type = ok.headers.get('content-type') ?? '';
  if (ok.status !== 200 || text !== EXPECTED_TEXT || !type.startsWith('application/json')) {
    throw new Error(`${c.id}: expected 200 ${EXPECTED_TEXT} (application/json), got ${ok.status} ${text} (${type})`);
  }
  const anonymous = await post({ 'content-type': 'application/json' }, BENCH_BODY);
  await anonymous.arrayBuffer();
  if (anonymous.status !== 401) throw new Error(`${c.id}: expected 401 without a token, got ${anonymous.status}`);
  const invalid = await post(headers, BENCH_INVALID_BODY);
  await invalid.arrayBuffer();
  if (invalid.status !== 400) throw new Error(`${c.id}: expected 400 for ${BENCH_INVALID_BODY}, got ${invalid.status}`);
}

/** Starts the case's server, checks its answers, warms it up, measures, stops it. */
async function runHttpCase(c: HttpCase): Promise<CaseResult> {
  const server = await startServer(here('./http-server.main.js'), c.env, nodeArgsFromEnv());
  try {
    const url = `${server.url}${c.path}`;
    await (c.mcp ? checkMcpAnswers(c, url) : checkAnswers(c, url));
    const sent = request(c);
    if (WARMUP > 0) await load({ url, connections: CONNECTIONS, duration: WARMUP, ...sent });
    const cpuBefore = await server.cpuMicros();
    const result = await load({ url, connections: CONNECTIONS, duration: DURATION, ...sent });
    const cpuUsPerReq = Math.round(((await server.cpuMicros()) - cpuBefore) / Math.max(1, result.requests));
    if (result.failures > 0) throw new Error(`${c.id}: ${result.failures} failed requests ${JSON.stringify(result.statusCodes)}`);
    return { ...result, cpuUsPerReq };
  } finally {
    await server.stop();
  }
}

const ratio = (a: number | undefined, b: number | undefined) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);

/** One line of the summary: djust against another server, same adapter, same run. */
interface Comparison {
  label: string;
  djust: string;
  other: string;
  /** The issue's goal for the req/s ratio, when it sets one. */
  target?: string;
}

/** The comparisons the issue asks for (those whose two cases ran). */
function comparisons(ran: ReadonlySet<string>): Comparison[] {
  const list: Comparison[] = [];
  for (const adapter of ['fastify', 'express'] as const) {
    const djust = `${adapter}/djust`;
    list.push(
      { label: `${adapter}: djust vs raw ${adapter} route`, djust, other: `${adapter}/raw`, target: adapter === 'fastify' ? '≥ 0.5' : undefined },
      { label: `${adapter}: djust vs @orpc/nest`, djust, other: `${adapter}/orpc` },
      { label: `${adapter}: djust vs @ts-rest/nest`, djust, other: `${adapter}/ts-rest` },
      { label: `${adapter}: djust @RateLimit 60 s vs hand-written, ThrottlerGuard 60 s`, djust: `${adapter}/djust-ratelimit-60s`, other: `${adapter}/nest-throttler-60s`, target: '≥ 1.5' },
      { label: `${adapter}: djust @RateLimit 1 s vs hand-written, ThrottlerGuard 1 s`, djust: `${adapter}/djust-ratelimit-1s`, other: `${adapter}/nest-throttler-1s`, target: '≥ 1.5' },
    );
  }
  list.push({ label: 'fastify: djust @RateLimit 60 s vs raw fastify route', djust: 'fastify/djust-ratelimit-60s', other: 'fastify/raw', target: '≥ 0.5' });
  for (const adapter of ['fastify', 'express'] as const) {
    list.push({ label: `${adapter}: MCP tools/call vs the HTTP API, same handler`, djust: `${adapter}/djust-mcp`, other: `${adapter}/djust`, target: '≥ 0.8' });
  }
  return list.filter((c) => ran.has(c.djust) && ran.has(c.other));
}

/** A Markdown table. */
function markdownTable(head: string[], rows: (string | number | undefined)[][]): string {
  const line = (cells: (string | number | undefined)[]) => `| ${cells.map((c) => String(c ?? '')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

async function runHttp(): Promise<void> {
  const cases = httpCases();
  const samples = new Map<string, CaseResult[]>(cases.map((c) => [c.id, []]));
  const loadAtStart = loadavg()[0];
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
      raw: c.raw,
      ratioToRaw: c.raw ? ratio(r.rps, results.get(c.raw)?.rps) : undefined,
      cpuRatioToBaseline: c.baseline ? ratio(results.get(c.baseline)?.cpuUsPerReq, r.cpuUsPerReq) : undefined,
    };
  });
  const rps = (id: string) => results.get(id)?.rps;
  /** Inverse CPU per request, so that ratios read like throughput ratios (higher = cheaper). */
  const cpu = (id: string) => (results.get(id)?.cpuUsPerReq ? 1 / results.get(id)!.cpuUsPerReq : undefined);
  /** Every ratio reads "higher is better for djust": req/s djust ÷ other, p99 and CPU/req other ÷ djust. */
  const compared = comparisons(new Set(cases.map((c) => c.id))).map((c) => {
    const d = results.get(c.djust)!;
    const o = results.get(c.other)!;
    return {
      ...c,
      rps: ratio(d.rps, o.rps),
      p99: ratio(o.p99, d.p99),
      cpu: ratio(o.cpuUsPerReq, d.cpuUsPerReq),
      values: { djust: { rps: d.rps, p99: d.p99, cpuUsPerReq: d.cpuUsPerReq }, other: { rps: o.rps, p99: o.p99, cpuUsPerReq: o.cpuUsPerReq } },
    };
  });
  const summary: Record<string, number | undefined> = {};
  for (const adapter of ADAPTERS) {
    summary[`${adapter}: djust @RateLimit 60s / hand-written ThrottlerGuard 60s (target >= 1.5)`] = ratio(rps(`${adapter}/djust-ratelimit-60s`), rps(`${adapter}/nest-throttler-60s`));
    summary[`${adapter}: djust @RateLimit 1s / hand-written ThrottlerGuard 1s (target >= 1.5)`] = ratio(rps(`${adapter}/djust-ratelimit-1s`), rps(`${adapter}/nest-throttler-1s`));
    summary[`${adapter}: djust @RateLimit 60s / 1s (target >= 0.95)`] = ratio(rps(`${adapter}/djust-ratelimit-60s`), rps(`${adapter}/djust-ratelimit-1s`));
    summary[`${adapter}: ThrottlerGuard 60s / 1s`] = ratio(rps(`${adapter}/nest-throttler-60s`), rps(`${adapter}/nest-throttler-1s`));
    summary[`${adapter}: djust with / without @RateLimit 60s`] = ratio(rps(`${adapter}/djust-ratelimit-60s`), rps(`${adapter}/djust`));
  }
  for (const adapter of ADAPTERS) {
    summary[`${adapter}: CPU/req hand-written 60s / djust @RateLimit 60s`] = ratio(cpu(`${adapter}/djust-ratelimit-60s`), cpu(`${adapter}/nest-throttler-60s`));
    summary[`${adapter}: CPU/req hand-written 1s / djust @RateLimit 1s`] = ratio(cpu(`${adapter}/djust-ratelimit-1s`), cpu(`${adapter}/nest-throttler-1s`));
    summary[`${adapter}: CPU/req djust @RateLimit 1s / 60s`] = ratio(cpu(`${adapter}/djust-ratelimit-60s`), cpu(`${adapter}/djust-ratelimit-1s`));
  }
  summary['fastify: CPU/req raw fastify / djust @RateLimit 60s'] = ratio(cpu('fastify/djust-ratelimit-60s'), cpu('fastify/raw'));
  summary['fastify: CPU/req raw fastify / djust (no limit)'] = ratio(cpu('fastify/djust'), cpu('fastify/raw'));
  summary['fastify: Nest-hosted raw route / raw fastify'] = ratio(rps('fastify/nest-hosted-raw'), rps('fastify/raw'));
  summary['express: Nest-hosted raw route / raw express'] = ratio(rps('express/nest-hosted-raw'), rps('express/raw'));
  summary['fastify: djust (no limit) / Nest-hosted raw route'] = ratio(rps('fastify/djust'), rps('fastify/nest-hosted-raw'));
  summary['express: djust (no limit) / Nest-hosted raw route'] = ratio(rps('express/djust'), rps('express/nest-hosted-raw'));
  summary['fastify: djust (no limit) / raw fastify (target >= 0.5)'] = ratio(rps('fastify/djust'), rps('fastify/raw'));
  summary['fastify: djust @RateLimit 60s / raw fastify (target >= 0.5)'] = ratio(rps('fastify/djust-ratelimit-60s'), rps('fastify/raw'));
  const defined = Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined));

  const caseHead = ['case', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req'];
  const caseRows = rows.map((r) => [r.id, r.rps, r.p50, r.p99, r.cpuUsPerReq]);
  const comparisonHead = ['comparison', 'req/s djust÷other', 'p99 other÷djust', 'CPU/req other÷djust', 'req/s target'];
  /** `ratio (djust vs other)`. */
  const cell = (r: number | undefined, djust: number, other: number) => `${r ?? '–'} (${djust} vs ${other})`;
  const comparisonRows = compared.map(({ label, rps: r, p99, cpu: c, target, values: { djust: d, other: o } }) => [
    label,
    cell(r, d.rps, o.rps),
    cell(p99, d.p99, o.p99),
    cell(c, d.cpuUsPerReq, o.cpuUsPerReq),
    target,
  ]);
  const tableOf = (head: string[], body: (string | number | undefined)[][]) => body.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ''])));
  console.log('\nEvery case (median round):');
  console.table(tableOf(caseHead, caseRows));
  if (compared.length) {
    console.log('djust vs the others, same adapter, same run; ratio (djust vs other), every ratio > 1: djust is better:');
    console.table(tableOf(comparisonHead, comparisonRows));
  }
  console.log('All ratios (req/s unless CPU/req), same run:');
  for (const [k, v] of Object.entries(defined)) console.log(`  ${k}: ${v}`);

  const date = new Date().toISOString();
  const cpuModel = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`;
  const file = writeResult('http', {
    bench: 'http',
    date,
    node: process.version,
    cpu: cpuModel,
    loadAverageAtStart: loadAtStart,
    load: { tool: 'autocannon', rounds: ROUNDS, connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: DURATION, method: 'POST', body: BENCH_BODY },
    serverNodeArgs: nodeArgsFromEnv(),
    results: rows,
    comparisons: compared,
    summary: defined,
  });
  console.log(`wrote ${file}`);
  const markdown = [
    '# HTTP benchmark: the seed\'s `update_status`',
    '',
    `${date}, Node ${process.version}, ${cpuModel}, 1-min load average ${loadAtStart.toFixed(2)} at start. ` +
      `autocannon -c ${CONNECTIONS}, POST, ${WARMUP} s warm-up + ${DURATION} s measured per case, ${ROUNDS} round(s) (median kept). ` +
      'CPU µs/req: user + system time of the server process during the measured run, per request.',
    '',
    markdownTable(caseHead, caseRows),
    '',
    ...(compared.length
      ? ['## djust vs the others', '', 'Same adapter, same run. Each cell: ratio (djust vs other). Every ratio > 1 means djust is better: req/s djust ÷ other, p99 (ms) and CPU µs/req other ÷ djust.', '', markdownTable(comparisonHead, comparisonRows), '']
      : []),
    '## All ratios',
    '',
    ...Object.entries(defined).map(([k, v]) => `- ${k}: ${v}`),
    '',
  ].join('\n');
  console.log(`wrote ${writeResultFile('summary.md', markdown)}`);
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
if (SUITES.has('validation')) await runSibling('DtoValidator.validate, 1 vs 1,000 DTO classes', './validation.bench.js');
if (SUITES.has('openapi')) await runSibling('OpenAPI generation, 1,000 handlers', './openapi.bench.js');
if (SUITES.has('tracing')) await runSibling('tracing cost per dispatch: off and on vs baseline', './tracing.bench.js');
if (SUITES.has('idempotency')) await runSibling('idempotency stage per dispatch: memory and Redis vs no key', './idempotency.bench.js');
if (SUITES.has('scaleout')) await runSibling('scale-out: cross-process push latency, failover to every client remounted', './scaleout.bench.js');
