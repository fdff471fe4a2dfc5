/**
 * OpenAPI generation and serving cost.
 *
 * 1. Generation: `createOpenApiDocument` over 100 synthetic views × 10 exposed
 *    handlers (1,000 operations); 9 handlers per view have their own DTO (6
 *    properties: integer with bounds, string with length, optional nullable,
 *    enum, array of a nested DTO, uuid), one is parameterless, plus one nested
 *    DTO per view — 1,000 DTO component schemas.
 *    Median (and min/max) of RUNS runs after WARMUP runs.
 * 2. Serving the cached document from `DjustOpenApiService`: `getDocument()`
 *    calls/s (cache hit), `getDocumentJson()` calls/s, and — for comparison —
 *    what a route pays if it re-serializes the object each time (`JSON.stringify`).
 *
 * Prints a summary and writes bench/results/openapi.json.
 *
 * Run: node .build/bench/openapi.bench.js
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import type { HandlerRecord, ViewRecord } from '../src/discovery/view-record.interface.js';
import type { DjustAuthClass } from '../src/interfaces/djust-auth.interface.js';
import { createOpenApiDocument } from '../src/openapi/openapi-document.factory.js';
import { DjustOpenApiService } from '../src/openapi/openapi.service.js';
import { resolveOptions } from '../src/core/resolved-options.js';

const VIEWS = 100;
const HANDLERS_PER_VIEW = 10;
const WARMUP = 3;
const RUNS = 15;
const SERVE_MS = 1_000;

enum Status {
  New = 'new',
  Paid = 'paid',
  Shipped = 'shipped',
}

class SessionLike {
  static readonly csrf = true;
  static readonly openapi = { name: 'session', scheme: { type: 'apiKey', in: 'cookie', name: 'connect.sid' } };
}
class TokenLike {
  static readonly csrfExempt = true;
  static readonly openapi = { name: 'token', scheme: { type: 'http', scheme: 'bearer' } };
}

/** Applies property decorators (and the design type TypeScript would emit) to a synthetic class. */
function decorate(target: Function, property: string, designType: unknown, decorators: PropertyDecorator[]): void {
  Reflect.defineMetadata('design:type', designType, target.prototype, property);
  for (const d of decorators) d(target.prototype, property);
}

function namedClass(name: string): Function {
  return { [name]: class {} }[name];
}

function nestedDto(v: number): Function {
  const cls = namedClass(`View${v}LineDto`);
  decorate(cls, 'sku', String, [IsString(), Length(1, 32)]);
  decorate(cls, 'qty', Number, [IsInt(), Min(1)]);
  return cls;
}

function handlerDto(v: number, h: number, line: Function): Function {
  const cls = namedClass(`View${v}Handler${h}Dto`);
  decorate(cls, 'order_id', Number, [IsInt(), Min(0), Max(1_000_000)]);
  decorate(cls, 'label', String, [IsString(), Length(1, 100)]);
  decorate(cls, 'note', String, [IsOptional(), IsString()]);
  decorate(cls, 'status', String, [IsEnum(Status)]);
  decorate(cls, 'lines', Array, [IsArray(), ArrayMaxSize(50), ValidateNested({ each: true }), Type(() => line as any)]);
  decorate(cls, 'ref', String, [IsUUID()]);
  return cls;
}

function syntheticViews(): ViewRecord[] {
  const views: ViewRecord[] = [];
  for (let v = 0; v < VIEWS; v++) {
    const slug = `view-${String(v).padStart(3, '0')}`;
    const line = nestedDto(v);
    const handlers = new Map<string, HandlerRecord>();
    for (let h = 0; h < HANDLERS_PER_VIEW; h++) {
      const name = `handler_${h}`;
      handlers.set(name, {
        name,
        options: { exposeApi: true,
        exposeMcp: false, deprecated: h === 9, description: `Handler ${h} of ${slug}.`, summary: h % 2 ? `Do ${h}` : undefined },
        dtoType: h === 0 ? undefined : (handlerDto(v, h, line) as any),
        paramsSchema: undefined,
        arity: h === 0 ? 0 : 1,
        permissions: h % 3 === 0 ? ['app.do'] : [],
        rateLimit: h % 4 === 0 ? { limit: 10, ttl: 60_000 } : undefined,
        bucket: `${slug}:${name}`,
        guards: [],
        interceptors: [],
        method: function () {},
      });
    }
    const authClasses: DjustAuthClass[] = v % 2 ? [SessionLike, TokenLike] : [SessionLike];
    views.push({
      slug,
      viewClass: namedClass(`View${v}`) as any,
      authClasses,
      csrfExempt: false,
      loginRequired: false,
      permissions: [],
      guards: [],
      interceptors: [],
      handlers,
      hasApiMount: false,
      dependencyKeys: new Set(),
      create: () => {
        throw new Error('not instantiated in the bench');
      },
    });
  }
  return views;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Calls `fn` for SERVE_MS and returns calls/s. */
function throughput(fn: () => unknown): number {
  let calls = 0;
  let sink: unknown;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < SERVE_MS) {
    for (let i = 0; i < 100; i++) sink = fn();
    calls += 100;
    elapsed = performance.now() - t0;
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return Math.round((calls / elapsed) * 1000);
}

async function main(): Promise<void> {
  const views = syntheticViews();
  const options = { prefix: 'djust', title: 'Bench', version: '1.0.0' };

  for (let i = 0; i < WARMUP; i++) createOpenApiDocument(views, options);
  const times: number[] = [];
  let operations = 0;
  let schemas = 0;
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const { document } = createOpenApiDocument(views, options);
    times.push(performance.now() - t0);
    operations = Object.keys(document.paths).length;
    schemas = Object.keys(document.components.schemas).length;
    if (i === 0) bytes = JSON.stringify(document).length;
  }

  const registry = { views, version: 1 };
  const service = new DjustOpenApiService(registry, resolveOptions({ prefix: 'djust', openapi: { title: 'Bench', version: '1.0.0' } }, []));
  const tBuild = performance.now();
  service.getDocument();
  const firstServeMs = performance.now() - tBuild;
  const getDocumentPerSec = throughput(() => service.getDocument());
  const getDocumentJsonPerSec = throughput(() => service.getDocumentJson());
  const doc = service.getDocument();
  const stringifyPerSec = throughput(() => JSON.stringify(doc));

  const result = {
    bench: 'openapi',
    date: new Date().toISOString(),
    node: process.version,
    load: { views: VIEWS, handlersPerView: HANDLERS_PER_VIEW, operations, componentSchemas: schemas, documentBytes: bytes, runs: RUNS, warmup: WARMUP },
    generation: { medianMs: round(median(times)), minMs: round(Math.min(...times)), maxMs: round(Math.max(...times)) },
    serving: {
      firstBuildIncludingFreezeMs: round(firstServeMs),
      getDocumentCallsPerSec: getDocumentPerSec,
      getDocumentJsonCallsPerSec: getDocumentJsonPerSec,
      jsonStringifyPerRequestCallsPerSec: stringifyPerSec,
      jsonStringifyPerRequestMs: round(1000 / stringifyPerSec, 3),
    },
  };

  console.log(`OpenAPI generation: ${operations} operations, ${schemas} component schemas, ${(bytes / 1024).toFixed(0)} KiB JSON`);
  console.log(`  median ${result.generation.medianMs} ms (min ${result.generation.minMs}, max ${result.generation.maxMs}) over ${RUNS} runs`);
  console.log(`Serving the cached document:`);
  console.log(`  first build (generate + serialize + freeze): ${result.serving.firstBuildIncludingFreezeMs} ms`);
  console.log(`  getDocument():     ${getDocumentPerSec.toLocaleString('en-US')} calls/s`);
  console.log(`  getDocumentJson(): ${getDocumentJsonPerSec.toLocaleString('en-US')} calls/s`);
  console.log(`  JSON.stringify per request instead: ${stringifyPerSec.toLocaleString('en-US')} /s (${result.serving.jsonStringifyPerRequestMs} ms each)`);

  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  const out = join(root, 'bench', 'results', 'openapi.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
