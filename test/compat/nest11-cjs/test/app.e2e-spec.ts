import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { connectDjust, DjustClientError, type DjustClient } from 'nestjs-djust/client';
import { io } from 'socket.io-client';
import { AppModule } from '../src/app.module';
import { IncrementLog } from '../src/counter.view';

const alice = { authorization: 'Bearer token-alice', 'content-type': 'application/json' };

describe('nestjs-djust in a Nest 11 CommonJS app under Jest', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('runs on Nest 11 and the CommonJS build of nestjs-djust (require condition), from this project', () => {
    const modules = join(__dirname, '..', 'node_modules');
    expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
    expect(require.resolve('@nestjs/core')).toBe(join(modules, '@nestjs', 'core', 'index.js'));
    expect(require.resolve('nestjs-djust')).toBe(join(modules, 'nestjs-djust', 'dist', 'commonjs', 'index.js'));
    expect(require.resolve('nestjs-djust/client')).toBe(join(modules, 'nestjs-djust', 'dist', 'commonjs', 'client', 'index.js'));
  });

  it('POST /djust/api/counter/increment/ runs the handler (coercion, DI, auth)', async () => {
    const res = await fetch(`${url}/djust/api/counter/increment/`, { method: 'POST', headers: alice, body: JSON.stringify({ by: '2' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { count: 2, transport: 'http' }, assigns: { count: 2 } });
    expect(app.get(IncrementLog).total).toBe(2);
  });

  it('answers the error envelope: 401 without a token, 403 without the permission, 400 on a bad DTO', async () => {
    const call = (headers: Record<string, string>, body: unknown) =>
      fetch(`${url}/djust/api/counter/increment/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const anonymous = await call({}, { by: 1 });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toBe('unauthenticated');
    const bob = await call({ authorization: 'Bearer token-bob' }, { by: 1 });
    expect(bob.status).toBe(403);
    expect((await bob.json()).error).toBe('permission_denied');
    const invalid = await call(alice, { by: 'many' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'validation_error', details: { by: expect.any(Array) } });
  });

  it('GET /djust/api/openapi.json documents the handler from its class-validator DTO', async () => {
    const res = await fetch(`${url}/djust/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'compat', version: '1.0.0' });
    const op = doc.paths['/djust/api/counter/increment/'].post;
    expect(op.description).toBe('Add `by` to the counter.');
    const body = op.requestBody.content['application/json'].schema;
    const schema = body.$ref ? doc.components.schemas[body.$ref.split('/').pop()] : body;
    expect(schema).toMatchObject({ type: 'object', required: ['by'], properties: { by: { type: 'integer', minimum: 1, maximum: 100 } } });
  });

  describe('over socket.io with nestjs-djust/client', () => {
    let client: DjustClient | undefined;
    afterEach(() => client?.close());

    it('mounts the view and calls the handler', async () => {
      client = await connectDjust(url, { io, token: 'token-alice' });
      const counter = await client.mount<{ count: number }>('counter');
      expect(counter.assigns).toEqual({ count: 0 });
      await expect(counter.call('increment', { by: 3 })).resolves.toEqual({ count: 3, transport: 'ws' });
      await expect(counter.call('increment', { by: '4' })).resolves.toEqual({ count: 7, transport: 'ws' });
      expect(counter.assigns).toEqual({ count: 7 });
      await counter.unmount();
    });

    it('rejects with DjustClientError (instanceof works: one copy of the client)', async () => {
      client = await connectDjust(url, { io, token: 'token-bob' });
      const counter = await client.mount('counter');
      const error = await counter.call('increment', { by: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DjustClientError);
      expect(error).toMatchObject({ status: 403, error: 'permission_denied' });
    });
  });
});
