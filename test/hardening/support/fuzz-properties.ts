import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import type { AdapterName } from '../../support/app.js';
import { connectSocket, emitAck, rawRequest } from './clients.js';
import {
  DEFAULT_SIZES,
  encodeSegment,
  hasBadEscape,
  httpCaseArb,
  mutate,
  toJsValue,
  writeJson,
  wsFieldName,
  wsFieldValue,
  wsSessionArb,
  type HostileSizes,
  type HttpCase,
  type WsField,
  type WsStep,
} from './hostile.arbitraries.js';
import { assertHttpAnswer, assertNoLeak, assertPrototypesUntouched, assertWsAck, InvariantError, prototypeSnapshot, type CallFacts } from './invariants.js';

/**
 * The fuzz properties, shared by the bounded CI suite (`test/hardening/fuzz.test.ts`)
 * and the long run (`scripts/fuzz-long.mjs`). Each returns counts of what the
 * server answered, so a run can show it exercised more than 404s.
 */

/** How a fuzz run is seeded and sized. */
export interface FuzzSettings {
  /** fast-check seed: the same seed replays the same cases. */
  readonly seed: number;
  /** Number of generated cases. */
  readonly numRuns: number;
  /** fast-check replay path (printed on failure), to replay one counterexample. */
  readonly path?: string;
  /** Sizes of the big shapes. */
  readonly sizes?: HostileSizes;
}

/** Seed used in CI unless `FUZZ_SEED` says otherwise. */
export const DEFAULT_FUZZ_SEED = 0x5eed_d1;

/** Settings from `FUZZ_SEED`, `FUZZ_RUNS`, `FUZZ_PATH`, with the given default number of runs. */
export function fuzzSettingsFromEnv(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : DEFAULT_FUZZ_SEED;
  const numRuns = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : defaultRuns;
  if (!Number.isInteger(seed) || !Number.isInteger(numRuns) || numRuns < 1) throw new Error(`bad FUZZ_SEED/FUZZ_RUNS: ${env.FUZZ_SEED}/${env.FUZZ_RUNS}`);
  return { seed, numRuns, path: env.FUZZ_PATH || undefined };
}

/** What a run saw: answers by status (HTTP) or by ack kind (WS). */
export type FuzzStats = Record<string, number>;

function count(stats: FuzzStats, key: string): void {
  stats[key] = (stats[key] ?? 0) + 1;
}

function decodeOrUndefined(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The raw request for an HTTP case against `/<prefix>/api/...`. */
export function httpCaseRequest(c: HttpCase, prefix = 'djust', badEscape?: string): { path: string; headers: Record<string, string>; body?: Buffer; facts: CallFacts; badUrl: boolean } {
  const view = encodeSegment(c.view, c.viewStyle, badEscape);
  const handler = encodeSegment(c.handler, c.handlerStyle, badEscape);
  const path = `/${prefix}/api/${view}/${handler}${c.trailingSlash ? '/' : ''}${c.query}`;
  const headers: Record<string, string> = { ...c.extraHeaders };
  if (c.authorization !== undefined) headers.authorization = c.authorization;
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.chunked) headers['transfer-encoding'] = 'chunked';
  const body = c.body === undefined ? undefined : mutate(writeJson(c.body), c.mutation);
  return {
    path,
    headers,
    body,
    facts: { view: decodeOrUndefined(view), handler: decodeOrUndefined(handler) },
    badUrl: hasBadEscape(view) || hasBadEscape(handler),
  };
}

/** Fastify's router limit on one path parameter (`maxParamLength`, default 100). */
const FASTIFY_MAX_PARAM_LENGTH = 100;

/**
 * The status fastify's router answers itself, before any route or hook runs,
 * so the library cannot put its envelope on it: 400 `FST_ERR_BAD_URL` for a
 * malformed percent-escape, 414 `FST_ERR_MAX_PARAM_LENGTH` for a decoded
 * name longer than `maxParamLength`. Express has neither: `undefined`.
 */
export function fastifyRouterAnswer(adapter: AdapterName, badUrl: boolean, facts: CallFacts): number | undefined {
  if (adapter !== 'fastify') return undefined;
  if (badUrl) return 400;
  if ((facts.view?.length ?? 0) > FASTIFY_MAX_PARAM_LENGTH || (facts.handler?.length ?? 0) > FASTIFY_MAX_PARAM_LENGTH) return 414;
  return undefined;
}

/** Property: any hostile HTTP request gets the documented envelope, no foreign 5xx, no leak, prototypes untouched. */
export async function fuzzHttp(baseUrl: string, adapter: AdapterName, settings: FuzzSettings): Promise<FuzzStats> {
  const stats: FuzzStats = {};
  const protoBaseline = prototypeSnapshot();
  await fc.assert(
    fc.asyncProperty(httpCaseArb(settings.sizes ?? DEFAULT_SIZES), async (c) => {
      const req = httpCaseRequest(c);
      const where = `${adapter} ${c.method} ${req.path.slice(0, 200)}`;
      const res = await rawRequest(baseUrl, { method: c.method, path: req.path, headers: req.headers, body: req.body, chunked: c.chunked });
      count(stats, String(res.status));
      const routerStatus = fastifyRouterAnswer(adapter, req.badUrl, req.facts);
      if (routerStatus === undefined) {
        assertHttpAnswer(res, req.facts, where);
      } else {
        // Only "that 4xx, nothing leaked" holds for the router's own answer.
        assertNoLeak(res.text, where);
        if (res.status !== routerStatus) throw new InvariantError(`${where}: fastify's router answered ${res.status}, expected ${routerStatus}`, res.text);
      }
      assertPrototypesUntouched(protoBaseline, where);
    }),
    { seed: settings.seed, numRuns: settings.numRuns, path: settings.path },
  );
  return stats;
}

/** The largest WS payload the fuzz sends (socket.io's own 1 MB cut-off is tested separately). */
const MAX_WS_PAYLOAD = 900_000;

function jsonSize(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Runs one hostile socket session and checks every ack. */
async function runWsSession(baseUrl: string, token: string | undefined, steps: readonly WsStep[], stats: FuzzStats, protoBaseline: string): Promise<void> {
  const socket: Socket = await connectSocket(baseUrl, { token });
  const refs: string[] = [];
  // Start from one mounted view, so events reach handlers rather than only "unknown ref".
  const first = await emitAck(socket, 'mount', { view: 'order' });
  if (typeof first?.ref === 'string') refs.push(first.ref);
  const pickRef = (r: number | WsField): unknown => (typeof r === 'number' ? (refs[r % Math.max(1, refs.length)] ?? 'no-ref') : wsFieldValue(r));
  try {
    for (const [i, step] of steps.entries()) {
      const where = `ws step ${i} ${step.s}`;
      if ((step.s === 'mount' && typeof step.view !== 'string') || (step.s === 'event' && typeof step.handler !== 'string')) count(stats, 'hostile-field');
      if (step.s === 'noack') count(stats, 'noack');
      if (step.s === 'mount') {
        const view = wsFieldValue(step.view);
        const payload = step.params === undefined ? { view } : { view, params: toJsValue(step.params) };
        if (jsonSize(payload) > MAX_WS_PAYLOAD) continue;
        const ack = await emitAck(socket, 'mount', payload);
        assertWsAck(ack, 'mount', { view: wsFieldName(step.view), handler: undefined }, where);
        count(stats, `mount:${ack.error ?? 'ok'}`);
        if (typeof ack.ref === 'string') refs.push(ack.ref);
      } else if (step.s === 'event') {
        const payload: Record<string, unknown> = { ref: pickRef(step.ref), handler: wsFieldValue(step.handler) };
        if (step.params !== undefined) payload.params = toJsValue(step.params);
        if (jsonSize(payload) > MAX_WS_PAYLOAD) continue;
        const ack = await emitAck(socket, 'event', payload);
        assertWsAck(ack, 'event', { view: 'order', handler: wsFieldName(step.handler) }, where);
        count(stats, `event:${ack.error ?? 'ok'}`);
      } else if (step.s === 'unmount') {
        const ack = await emitAck(socket, 'unmount', { ref: pickRef(step.ref) });
        assertWsAck(ack, 'unmount', { view: undefined, handler: undefined }, where);
        count(stats, `unmount:${ack.error ?? 'ok'}`);
      } else if (step.s === 'raw') {
        const args = step.args.map((a) => (a.a === 'json' ? toJsValue(a.v) : a.a === 'binary' ? Buffer.alloc(a.n, 0xff) : undefined));
        if (jsonSize(args) > MAX_WS_PAYLOAD) continue;
        const ack = await emitAck(socket, step.event, ...args);
        assertWsAck(ack, step.event, { view: undefined, handler: undefined }, where);
        count(stats, `raw-${step.event}:${ack.error ?? 'ok'}`);
      } else if (step.s === 'noack') {
        const value = toJsValue(step.arg);
        if (jsonSize(value) > MAX_WS_PAYLOAD) continue;
        socket.emit(step.event, value);
        count(stats, `noack-${step.event}`);
      } else {
        const value = toJsValue(step.arg);
        if (jsonSize(value) > MAX_WS_PAYLOAD) continue;
        socket.emit(step.event, value);
        count(stats, 'junk');
      }
      assertPrototypesUntouched(protoBaseline, where);
    }
    // The socket survived the session and the server still answers on it.
    if (!socket.connected) throw new InvariantError('the server closed a socket during a fuzz session', steps);
    const ack = await emitAck(socket, 'mount', { view: 'order' });
    if (typeof ack?.ref !== 'string' && ack?.error !== 'rate_limited') throw new InvariantError('a clean mount failed after the session', ack);
  } finally {
    socket.close();
  }
}

/** Property: any hostile socket session gets documented acks only, keeps its connection, and pollutes nothing. */
export async function fuzzWs(baseUrl: string, settings: FuzzSettings, maxSteps = 8): Promise<FuzzStats> {
  const stats: FuzzStats = {};
  const protoBaseline = prototypeSnapshot();
  await fc.assert(
    fc.asyncProperty(wsSessionArb(settings.sizes ?? DEFAULT_SIZES, maxSteps), async ({ token, steps }) => {
      await runWsSession(baseUrl, token, steps, stats, protoBaseline);
    }),
    { seed: settings.seed, numRuns: settings.numRuns, path: settings.path },
  );
  return stats;
}
