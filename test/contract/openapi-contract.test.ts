import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Controller, Get, Module } from '@nestjs/common';
import { ApiProperty, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Type as TransformType } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { DjustModule, EventHandler, LiveView, LiveViewBase, RateLimit, SessionAuth, withDjust } from 'nestjs-djust';
import { ADAPTERS } from '../support/app.js';
import { boot, ContractTokenAuth, UserDirectory, type ContractApp } from './contract.fixture.js';

enum Color {
  Red = 'red',
  Blue = 'blue',
}

class AddressDto {
  @IsString() street!: string;
  @IsOptional() @IsInt() zip?: number;
}

class EverythingDto {
  @IsInt() @Min(1) @Max(10) int_field!: number;
  @IsNumber() num_field!: number;
  @IsBoolean() bool_field!: boolean;
  @IsString() @MinLength(2) @MaxLength(5) str_field!: string;
  @IsString() @Length(3, 4) len_field!: string;
  @IsUUID() uuid_field!: string;
  @IsArray() @IsString({ each: true }) @ArrayMaxSize(3) tags!: string[];
  @IsEnum(Color) color!: Color;
  @IsIn(['a', 'b']) letter!: string;
  @ValidateNested() @TransformType(() => AddressDto) address!: AddressDto;
  @IsOptional() @IsString() note?: string;
  @ApiProperty({ description: 'documented field', example: 'ex' }) @IsString() documented!: string;
}

class NestedOnlyDto {
  @ValidateNested() @TransformType(() => AddressDto) address!: AddressDto;
}

class IdDto {
  @IsInt() id!: number;
}

@LiveView({ apiName: 'docs' })
class DocsView extends LiveViewBase {
  @EventHandler({ exposeApi: true, description: 'Does everything.', summary: 'Everything', deprecated: true })
  everything(_dto: EverythingDto) {
    return null;
  }
  @EventHandler({ exposeApi: true })
  by_id(_dto: IdDto) {
    return null;
  }
  @EventHandler({ exposeApi: true })
  no_params() {
    return null;
  }
  @EventHandler()
  ws_only() {
    return null;
  }
  not_a_handler() {
    return null;
  }
}

@LiveView({ authClasses: [ContractTokenAuth] })
class TokenDocsView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  read(_dto: IdDto) {
    return null;
  }
  @EventHandler({ exposeApi: true })
  nested(_dto: NestedOnlyDto) {
    return null;
  }
  @EventHandler({ exposeApi: true })
  @RateLimit({ limit: 5, ttl: 1000 })
  limited() {
    return null;
  }
}

@Controller('things')
class ThingsController {
  @Get()
  list(): string[] {
    return [];
  }
}

@Module({
  imports: [DjustModule.forRoot({ authClasses: [SessionAuth], openapi: { title: 'Contract API', version: '1.2.3', public: true } })],
  controllers: [ThingsController],
  providers: [UserDirectory, ContractTokenAuth, DocsView, TokenDocsView],
})
class OpenApiModule {}

const deref = (doc: any, schema: any): any => {
  let s = schema;
  while (s && typeof s.$ref === 'string') {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    s = parts.reduce((o: any, k: string) => o?.[k], doc);
  }
  return s;
};

for (const adapter of ADAPTERS) {
  describe(`OpenAPI 3.1 (${adapter})`, () => {
    let app: ContractApp;
    let doc: any;
    before(async () => {
      app = await boot(OpenApiModule, adapter);
      const res = await fetch(`${app.url}/djust/api/openapi.json`);
      assert.equal(res.status, 200, 'public document needs no auth');
      doc = await res.json();
    });
    after(() => app.close());

    const op = (slug: string, handler: string) => doc.paths[`/djust/api/${slug}/${handler}/`]?.post;
    const body = (o: any) => deref(doc, o.requestBody.content['application/json'].schema);

    test('valid OpenAPI 3.1.0 document with info from options', async () => {
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(doc.info.title, 'Contract API');
      assert.equal(doc.info.version, '1.2.3');
      const result = await new Validator().validate(doc);
      assert.equal(result.valid, true, JSON.stringify(result.errors));
    });

    test('paths: one post per exposeApi handler only, and GET /djust/api/csrf (a view uses SessionAuth)', () => {
      assert.deepEqual(Object.keys(doc.paths).sort(), ['/djust/api/csrf', '/djust/api/docs/by_id/', '/djust/api/docs/everything/', '/djust/api/docs/no_params/', '/djust/api/token-docs/limited/', '/djust/api/token-docs/nested/', '/djust/api/token-docs/read/']);
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        assert.deepEqual(Object.keys(item).filter((k) => k !== 'parameters'), [path === '/djust/api/csrf' ? 'get' : 'post'], path);
      }
    });

    test('requestBody types, formats, arrays, enums, nested, constraints, required', () => {
      const s = body(op('docs', 'everything'));
      assert.equal(s.type, 'object');
      const p = s.properties;
      assert.equal(p.int_field.type, 'integer');
      assert.equal(p.int_field.minimum, 1);
      assert.equal(p.int_field.maximum, 10);
      assert.equal(p.num_field.type, 'number');
      assert.equal(p.bool_field.type, 'boolean');
      assert.equal(p.str_field.type, 'string');
      assert.equal(p.str_field.minLength, 2);
      assert.equal(p.str_field.maxLength, 5);
      assert.equal(p.len_field.minLength, 3);
      assert.equal(p.len_field.maxLength, 4);
      assert.equal(p.uuid_field.type, 'string');
      assert.equal(p.uuid_field.format, 'uuid');
      assert.equal(p.tags.type, 'array');
      assert.equal(deref(doc, p.tags.items).type, 'string');
      assert.equal(p.tags.maxItems, 3);
      assert.deepEqual([...deref(doc, p.color).enum].sort(), ['blue', 'red']);
      assert.deepEqual([...deref(doc, p.letter).enum].sort(), ['a', 'b']);
      const addr = deref(doc, p.address);
      assert.equal(addr.type, 'object');
      assert.equal(addr.properties.street.type, 'string');
      assert.ok([addr.properties.zip.type].flat().includes('integer'));
      assert.deepEqual(addr.required, ['street']);
      assert.equal(p.documented.description, 'documented field');
      assert.ok(p.documented.example === 'ex' || (Array.isArray(p.documented.examples) && p.documented.examples.includes('ex')));
      assert.ok(!s.required.includes('note'));
      for (const f of ['int_field', 'num_field', 'bool_field', 'str_field', 'uuid_field', 'tags', 'color', 'letter', 'documented']) assert.ok(s.required.includes(f), f);
    });

    test('nested DTO field without @IsOptional: schema and validation agree on "required"', async () => {
      const s = body(op('token-docs', 'nested'));
      const r = await fetch(`${app.url}/djust/api/token-docs/nested/`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer alice' }, body: '{}' });
      const rejected = r.status === 400;
      assert.equal((s.required ?? []).includes('address'), rejected, `validation status ${r.status}: ${await r.text()}`);
    });

    test('description, summary, deprecated from @EventHandler', () => {
      const o = op('docs', 'everything');
      assert.equal(o.description, 'Does everything.');
      assert.equal(o.summary, 'Everything');
      assert.equal(o.deprecated, true);
      assert.notEqual(op('docs', 'by_id').deprecated, true);
    });

    const checkResponses = (o: any, codes: string[]) => {
      for (const code of ['200', ...codes]) assert.ok(o.responses[code], code);
      const ok = deref(doc, deref(doc, deref(doc, o.responses['200']).content['application/json'].schema));
      assert.ok(ok.properties.result !== undefined && ok.properties.assigns !== undefined);
      for (const code of codes) {
        const err = deref(doc, deref(doc, deref(doc, o.responses[code]).content['application/json'].schema));
        assert.ok(err.properties.error && err.properties.details, code);
      }
    };

    test('responses: 200 envelope; 400/401/403/404/500 error envelope; 429 on a rate-limited handler', () => {
      for (const o of [op('docs', 'by_id'), op('docs', 'no_params'), op('token-docs', 'read')]) checkResponses(o, ['400', '401', '403', '404', '500']);
      checkResponses(op('token-docs', 'limited'), ['400', '401', '403', '404', '429', '500']);
    });

    test('responses: every operation documents 429', () => {
      for (const o of [op('docs', 'by_id'), op('docs', 'no_params'), op('token-docs', 'read')]) checkResponses(o, ['429']);
    });

    test('CSRF header parameter for session auth operations only', () => {
      const params = (o: any) => (o.parameters ?? []).map((x: any) => deref(doc, x));
      const csrf = params(op('docs', 'by_id')).filter((x: any) => x.in === 'header' && /^x-csrf-?token$/i.test(x.name));
      assert.equal(csrf.length, 1);
      const tokenCsrf = params(op('token-docs', 'read')).filter((x: any) => x.in === 'header' && /csrf/i.test(x.name));
      assert.equal(tokenCsrf.length, 0);
    });

    test('security + securitySchemes: cookie scheme for SessionAuth', () => {
      const schemes = doc.components.securitySchemes;
      const cookie = Object.entries<any>(schemes).find(([, s]) => s.type === 'apiKey' && s.in === 'cookie');
      assert.ok(cookie, JSON.stringify(schemes));
      const sec = op('docs', 'by_id').security ?? doc.security;
      assert.ok(sec.some((req: any) => cookie[0] in req));
      const tokenSec = op('token-docs', 'read').security;
      assert.ok(Array.isArray(tokenSec) && tokenSec.length > 0);
      assert.ok(tokenSec.every((req: any) => !(cookie[0] in req)));
      for (const req of tokenSec) for (const name of Object.keys(req)) assert.ok(schemes[name], name);
    });

    test('withDjust merges the operations into a SwaggerModule document', () => {
      const base = SwaggerModule.createDocument(app.app, new DocumentBuilder().setTitle('App').setVersion('1').build());
      assert.ok(base.paths['/things']);
      const merged = withDjust(app.app, base);
      assert.ok(merged.paths['/things'], 'keeps the app paths');
      assert.ok(merged.paths['/djust/api/docs/by_id/']?.post, 'adds the djust operations');
      assert.ok(merged.paths['/djust/api/token-docs/read/']?.post);
      assert.equal(merged.paths['/djust/api/docs/ws_only/'], undefined);
    });
  });
}
