import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { IsOptional } from 'class-validator';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import { DjustOpenApiService } from './openapi.service.js';
import type { ViewRegistryLike } from './openapi.service.js';
import { resolveOptions } from '../core/resolved-options.js';

class Token {
  static readonly csrfExempt = true;
  static readonly openapi = { name: 'token', scheme: { type: 'http', scheme: 'bearer' } };
}

class VagueDto {
  @IsOptional() anything?: unknown;
}

function view(slug: string, handler: string): ViewRecord {
  const record = {
    name: handler,
    options: { exposeApi: true, deprecated: false },
    dtoType: VagueDto,
    paramsSchema: undefined,
    arity: 1,
    permissions: [],
    rateLimit: undefined,
    bucket: `${slug}:${handler}`,
    guards: [],
    interceptors: [],
    method: function () {},
  } as unknown as HandlerRecord;
  return {
    slug,
    viewClass: class {} as any,
    authClasses: [Token],
    csrfExempt: true,
    loginRequired: false,
    permissions: [],
    guards: [],
    interceptors: [],
    handlers: new Map([[handler, record]]),
    hasApiMount: false,
    dependencyKeys: new Set(),
    create: () => {
      throw new Error('never');
    },
  };
}

describe('DjustOpenApiService', () => {
  const warnings: string[] = [];
  const capture: LoggerService = { log() {}, error() {}, warn: (m: unknown) => void warnings.push(String(m)) };
  before(() => Logger.overrideLogger(capture));
  after(() => Logger.overrideLogger(new ConsoleLogger()));

  const registry: { views: ViewRecord[]; version: number } = { views: [view('a', 'go')], version: 1 };
  const options = resolveOptions({ prefix: 'djust', openapi: { title: 'Svc', version: '3' } }, []);
  const service = new DjustOpenApiService(registry as ViewRegistryLike, options);

  it('builds at bootstrap and logs each warning once', () => {
    service.onApplicationBootstrap();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /VagueDto\.anything/);
    service.invalidate();
    service.getDocument();
    assert.equal(warnings.length, 1);
  });

  it('caches the document (same frozen object) until the registry version changes', () => {
    const first = service.getDocument();
    assert.equal(service.getDocument(), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.paths));
    assert.equal(first.info.title, 'Svc');
    assert.deepEqual(Object.keys(first.paths), ['/djust/api/a/go/']);
    registry.views = [view('a', 'go'), view('b', 'run')];
    registry.version = 2;
    const second = service.getDocument();
    assert.notEqual(second, first);
    assert.deepEqual(Object.keys(second.paths), ['/djust/api/a/go/', '/djust/api/b/run/']);
  });

  it('rebuilds after invalidate(), and serves the matching JSON and ETag', () => {
    const before = service.getDocument();
    const etag = service.getEtag();
    service.invalidate();
    const after = service.getDocument();
    assert.notEqual(after, before);
    assert.deepEqual(after, before);
    assert.equal(service.getEtag(), etag);
    assert.deepEqual(JSON.parse(service.getDocumentJson()), after);
    assert.match(etag, /^"[0-9a-f]{40}"$/);
  });
});
