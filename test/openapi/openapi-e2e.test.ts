import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { Injectable, Module } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import ts from 'typescript';
import {
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  PermissionRequired,
  RateLimit,
  apiResponse,
  withDjust,
} from '../../src/index.js';
import { ADAPTERS, bootApp, type RunningApp } from '../support/app.js';
import {
  generateTypes,
  removeDir,
  responseChecker,
  scratchDir,
  typeCheck,
  validateOpenApi,
  writeFiles,
  type SeenResponse,
} from './support/openapi-consumers.js';

// ── a small app ───────────────────────────────────────────────────────────

const USERS: Record<string, { id: number; username: string; permissions: string[] }> = {
  alice: { id: 1, username: 'alice', permissions: ['shop.admin'] },
  bob: { id: 2, username: 'bob', permissions: [] },
};

@Injectable()
class ShopTokenAuth {
  static readonly csrfExempt = true;
  static readonly openapi = { name: 'shopToken', scheme: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <user>' } };
  authenticate(req: { headers: Record<string, string | undefined> }): unknown {
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') ? (USERS[header.slice(7)] ?? null) : null;
  }
}

@Injectable()
class ApiTokenStrategy extends PassportStrategy(BearerStrategy, 'bearer') {
  validate(token: string): unknown {
    return token === 'passport-token' ? { id: 9, username: 'robot' } : null;
  }
}

enum Mode {
  Fast = 'fast',
  Cheap = 'cheap',
}

class ShipDto {
  @IsInt() order_id!: number;
  @IsString() @IsNotEmpty() status!: string;
  @IsOptional() @IsString() note?: string | null;
}

class LineDto {
  @IsString() sku!: string;
  @IsInt() @Min(1) qty!: number;
}

class CartDto {
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => LineDto) lines!: LineDto[];
  @IsOptional() @IsEnum(Mode) mode?: Mode;
}

@LiveView({ apiName: 'shop', authClasses: [ShopTokenAuth] })
class ShopView extends LiveViewBase {
  status = 'new';

  @EventHandler({ exposeApi: true, summary: 'Ship an order', description: 'Marks the order shipped.' })
  ship(dto: ShipDto) {
    this.status = dto.status;
    return { order_id: dto.order_id, status: dto.status, note: dto.note ?? null };
  }

  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: 1, ttl: 60_000 })
  checkout(dto: CartDto) {
    return { lines: dto.lines.length, mode: dto.mode ?? Mode.Cheap };
  }

  @EventHandler({ exposeApi: true })
  ping() {
    return 'pong';
  }

  @EventHandler({ exposeApi: true })
  create(dto: ShipDto) {
    return apiResponse({ result: { created: dto.order_id }, status: 201 });
  }

  @EventHandler({ exposeApi: true, deprecated: true })
  @PermissionRequired('shop.admin')
  admin() {
    return { admin: true };
  }

  @EventHandler({ exposeApi: true })
  boom() {
    throw new Error('secret');
  }
}

@LiveView({ apiName: 'robot', authClasses: [ApiTokenStrategy] })
class RobotView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  me() {
    return { user: (this.user as { username: string }).username };
  }
}

@Module({
  imports: [DjustModule.forRoot({ authClasses: [ShopTokenAuth], openapi: { title: 'Shop', version: '1.2.3' } })],
  providers: [ShopTokenAuth, ApiTokenStrategy, ShopView, RobotView],
})
class ShopModule {}

// ── the typed client, type-checked then run against the app ────────────────

const CLIENT = `
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

export interface Seen { method: string; path: string; status: number; headers: Record<string, string>; body: unknown }

export async function run(baseUrl: string, seen: Seen[]) {
  const client = createClient<paths>({ baseUrl });
  client.use({
    async onResponse({ request, response }) {
      const text = await response.clone().text();
      seen.push({
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: text ? JSON.parse(text) : undefined,
      });
      return response;
    },
  });
  const alice = { Authorization: 'Bearer alice' };
  const bob = { Authorization: 'Bearer bob' };

  const shipped = await client.POST('/djust/api/shop/ship/', { headers: alice, body: { order_id: 42, status: 'shipped', note: null } });
  const invalid = await client.POST('/djust/api/shop/ship/', { headers: alice, body: { order_id: 42, status: '' } });
  const anonymous = await client.POST('/djust/api/shop/ship/', { body: { order_id: 1, status: 'x' } });
  const cart = { lines: [{ sku: 'a', qty: 2 }], mode: 'fast' as const };
  const checkout = await client.POST('/djust/api/shop/checkout/', { headers: alice, body: cart });
  const limited = await client.POST('/djust/api/shop/checkout/', { headers: alice, body: cart });
  const pong = await client.POST('/djust/api/shop/ping/', { headers: alice });
  const created = await client.POST('/djust/api/shop/create/', { headers: alice, body: { order_id: 7, status: 'new' } });
  const admin = await client.POST('/djust/api/shop/admin/', { headers: alice });
  const forbidden = await client.POST('/djust/api/shop/admin/', { headers: bob });
  const boom = await client.POST('/djust/api/shop/boom/', { headers: alice });
  const robot = await client.POST('/djust/api/robot/me/', { headers: { Authorization: 'Bearer passport-token' } });

  return {
    shipped: { status: shipped.response.status, result: shipped.data?.result, assigns: shipped.data?.assigns },
    invalid: { status: invalid.response.status, error: invalid.error?.error, details: invalid.error?.details },
    anonymous: { status: anonymous.response.status, error: anonymous.error?.error },
    checkout: { status: checkout.response.status, result: checkout.data?.result },
    limited: { status: limited.response.status, error: limited.error?.error },
    pong: pong.data?.result,
    created: { status: created.response.status, result: created.data?.result },
    admin: admin.data?.result,
    forbidden: forbidden.error?.error,
    boom: { status: boom.response.status, error: boom.error?.error },
    robot: robot.data?.result,
  };
}
`;

for (const adapter of ADAPTERS) describe(`OpenAPI e2e (${adapter}): the live document, a generated typed client, and every response validated`, () => {
  let running: RunningApp;
  let dir: string;
  let document: any;

  before(async () => {
    running = await bootApp(ShopModule, adapter);
    dir = scratchDir(`openapi-e2e-${adapter}`);
  });
  after(async () => {
    await running?.close();
    if (dir) removeDir(dir);
  });

  it('serves a valid OpenAPI 3.1.0 document at /djust/api/openapi.json', async () => {
    const res = await fetch(`${running.url}/djust/api/openapi.json`);
    assert.equal(res.status, 200);
    document = await res.json();
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.title, 'Shop');
    const result = await validateOpenApi(document);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.deepEqual(document.paths['/djust/api/robot/me/'].post.security, [{ bearer: [] }]);
    assert.deepEqual(document.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  });

  it('generates a client that type-checks, then calls the running endpoints; every response matches its schema', async () => {
    writeFiles(dir, { 'schema.ts': await generateTypes(document), 'client.ts': CLIENT });
    assert.deepEqual(typeCheck([join(dir, 'client.ts')]), []);

    const js = ts.transpileModule(CLIENT, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'client.mjs'), js);
    const { run } = (await import(pathToFileURL(join(dir, 'client.mjs')).href)) as {
      run: (url: string, seen: SeenResponse[]) => Promise<Record<string, any>>;
    };
    const seen: SeenResponse[] = [];
    const out = await run(running.url, seen);

    assert.deepEqual(out.shipped, { status: 200, result: { order_id: 42, status: 'shipped', note: null }, assigns: { status: 'shipped' } });
    assert.equal(out.invalid.status, 400);
    assert.equal(out.invalid.error, 'validation_error');
    assert.ok(Array.isArray(out.invalid.details.status));
    assert.deepEqual(out.anonymous, { status: 401, error: 'unauthenticated' });
    assert.deepEqual(out.checkout, { status: 200, result: { lines: 1, mode: 'fast' } });
    assert.deepEqual(out.limited, { status: 429, error: 'rate_limited' });
    assert.equal(out.pong, 'pong');
    assert.deepEqual(out.created, { status: 201, result: { created: 7 } });
    assert.deepEqual(out.admin, { admin: true });
    assert.equal(out.forbidden, 'permission_denied');
    assert.deepEqual(out.boom, { status: 500, error: 'handler_error' });
    assert.deepEqual(out.robot, { user: 'robot' });

    const check = responseChecker(document);
    assert.equal(seen.length, 11);
    assert.deepEqual(seen.flatMap(check), []);
  });

  it('withDjust merges the operations into the app\'s Swagger document', async () => {
    const config = new DocumentBuilder().setTitle('Shop app').setVersion('1').setOpenAPIVersion('3.1.0').build();
    const merged = withDjust(running.app, SwaggerModule.createDocument(running.app, config));
    assert.equal(merged.openapi, '3.1.0');
    assert.ok(merged.paths['/djust/api/shop/ship/']?.post);
    assert.ok(merged.components?.schemas?.ShipDto);
    assert.ok(merged.components?.securitySchemes?.shopToken);
    assert.ok(merged.tags?.some((t) => t.name === 'shop'));
    const result = await validateOpenApi(merged);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));

    const legacy = withDjust(running.app, SwaggerModule.createDocument(running.app, new DocumentBuilder().setTitle('Legacy').build()));
    assert.match(legacy.openapi, /^3\.0\./);
    assert.equal(JSON.stringify(legacy).includes('"null"'), false);
    const legacyResult = await validateOpenApi(legacy);
    assert.equal(legacyResult.valid, true, JSON.stringify(legacyResult.errors, null, 2));
  });
});
