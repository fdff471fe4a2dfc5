/**
 * Request ids, OpenTelemetry spans, `onError`, interceptors and Standard
 * Schema parameters, on express and fastify, over HTTP, WS and MCP. Spans are
 * read with the OTel SDK's in-memory exporter, registered in this process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { DjustException } from '../../src/index.js';
import { validateOpenApi } from '../openapi/support/openapi-consumers.js';
import { ADAPTERS, bootApp, post, request, type RunningApp } from '../support/app.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { bearer, USERS } from '../support/token-auth.js';
import { ObservabilityLedger, observabilityModule } from './observability.fixture.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALICE = bearer('token-alice');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN}-01`;
const IO_TIMEOUT_MS = 10_000;

/** The spans the library ended since the last reset, by name. */
function spans(name?: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'nestjs-djust' && (name === undefined || s.name === name));
}

function parentSpanId(span: ReadableSpan): string | undefined {
  const s = span as unknown as { parentSpanContext?: { spanId: string }; parentSpanId?: string };
  return s.parentSpanContext?.spanId ?? s.parentSpanId;
}

async function connectSocket(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}/djust`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const emit = (socket: Socket, event: string, payload: unknown): Promise<any> => socket.timeout(IO_TIMEOUT_MS).emitWithAck(event, payload);

async function connectMcp(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'obs-test', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/djust/mcp`), { requestInit: { headers } }));
  return client;
}

for (const adapter of ADAPTERS) {
  describe(`observability and Nest enhancers (${adapter})`, () => {
    const ledger = new ObservabilityLedger();
    let clock: FakeClock;
    let running: RunningApp;
    let socket: Socket;
    let ref: string;
    let mcp: Client;
    const url = (handler: string) => `${running.url}/djust/api/obs/${handler}/`;

    before(async () => {
      clock = createFakeClock();
      running = await bootApp(observabilityModule(ledger, clock), adapter);
      socket = await connectSocket(running.url, 'token-alice');
      ref = (await emit(socket, 'mount', { view: 'obs' })).ref;
      mcp = await connectMcp(running.url, ALICE);
    });
    after(async () => {
      socket?.close();
      await mcp?.close();
      await running?.close();
    });
    beforeEach(() => {
      exporter.reset();
      ledger.reported.length = 0;
      ledger.visits.length = 0;
    });

    describe('request ids', () => {
      it('HTTP: X-Request-Id is the caller’s own when safe, else a fresh UUID — on success, errors and refusals', async () => {
        assert.equal((await post(url('ok'), {}, { ...ALICE, 'x-request-id': 'order-42.retry_1' })).headers.get('x-request-id'), 'order-42.retry_1');
        for (const unsafe of ['has space', 'x'.repeat(129), 'ünïcode', '']) {
          assert.match((await post(url('ok'), {}, { ...ALICE, 'x-request-id': unsafe })).headers.get('x-request-id') ?? '', UUID, JSON.stringify(unsafe));
        }
        assert.match((await post(url('nope'), {}, ALICE)).headers.get('x-request-id') ?? '', UUID, 'a 404');
        assert.match((await post(url('ok'), {})).headers.get('x-request-id') ?? '', UUID, 'a 401');
        assert.match((await request(url('ok'), { method: 'GET', headers: ALICE })).headers.get('x-request-id') ?? '', UUID, 'a 405');
      });

      it('WS: every ack carries requestId — the message’s own when safe, else a fresh UUID', async () => {
        assert.equal((await emit(socket, 'event', { ref, handler: 'ok', requestId: 'ws-call.1' })).requestId, 'ws-call.1');
        assert.match((await emit(socket, 'event', { ref, handler: 'ok', requestId: 'not safe!' })).requestId, UUID);
        const failed = await emit(socket, 'event', { ref, handler: 'nope', requestId: 'ws-fail' });
        assert.deepEqual([failed.error, failed.requestId], ['not_found', 'ws-fail']);
        const mounted = await emit(socket, 'mount', { view: 'obs', requestId: 'mount-1' });
        assert.equal(mounted.requestId, 'mount-1');
        assert.match((await emit(socket, 'unmount', { ref: mounted.ref })).requestId, UUID);
      });
    });

    describe('onError', () => {
      it('is called once per 5xx with the original error and the call’s context, on HTTP, WS and MCP', async () => {
        const http = await post(url('boom'), {}, { ...ALICE, 'x-request-id': 'boom-http' });
        assert.equal(http.status, 500);
        const ws = await emit(socket, 'event', { ref, handler: 'boom', requestId: 'boom-ws' });
        assert.equal(ws.status, 500);
        const tool = await mcp.callTool({ name: 'obs.boom', arguments: {} });
        assert.equal(tool.isError, true);
        assert.equal(ledger.reported.length, 3);
        const alice = USERS['token-alice'];
        for (const [i, transport] of (['http', 'ws', 'mcp'] as const).entries()) {
          const { error, context } = ledger.reported[i];
          assert.ok(error instanceof Error && error.message === 'obs-secret-detail', `${transport}: the original error`);
          assert.deepEqual({ ...context, requestId: undefined }, { view: 'obs', handler: 'boom', transport, user: alice, requestId: undefined });
        }
        assert.equal(ledger.reported[0].context.requestId, 'boom-http');
        assert.equal(ledger.reported[1].context.requestId, 'boom-ws');
        assert.match(ledger.reported[2].context.requestId, UUID);
        assert.ok(!JSON.stringify([http.body, ws, tool]).includes('obs-secret-detail'), 'what the caller gets is unchanged');
      });

      it('is called for a serialization failure and a timeout, with the original error', async () => {
        assert.equal((await post(url('cyclic'), {}, ALICE)).status, 500);
        const pending = post(url('hang'), {}, ALICE);
        await clock.whenPending();
        clock.advance(1000);
        assert.equal((await pending).status, 504);
        assert.equal(ledger.reported.length, 2);
        assert.equal((ledger.reported[0].error as Error).name, 'SerializationError');
        assert.ok(ledger.reported[1].error instanceof DjustException && ledger.reported[1].error.kind === 'handler_timeout');
        assert.deepEqual([ledger.reported[1].context.view, ledger.reported[1].context.handler], ['obs', 'hang']);
      });

      it('is never called for a 4xx', async () => {
        assert.equal((await post(url('denied'), {}, ALICE)).status, 403);
        assert.equal((await post(url('zod_ship'), { order_id: 'x' }, ALICE)).status, 400);
        assert.equal((await post(url('nope'), {}, ALICE)).status, 404);
        assert.equal((await post(url('ok'), {})).status, 401);
        assert.equal((await emit(socket, 'event', { ref, handler: 'denied' })).status, 403);
        assert.deepEqual(ledger.reported, []);
      });
    });

    describe('OpenTelemetry spans', () => {
      it('HTTP: djust obs.ok, a server span child of the incoming traceparent, with the attributes', async () => {
        const res = await post(url('ok'), {}, { ...ALICE, traceparent: TRACEPARENT, 'x-request-id': 'traced-1' });
        assert.equal(res.status, 200);
        const [span] = spans('djust obs.ok');
        assert.ok(span, `spans: ${spans().map((s) => s.name)}`);
        assert.equal(span.kind, SpanKind.SERVER);
        assert.equal(span.spanContext().traceId, TRACE_ID);
        assert.equal(parentSpanId(span), PARENT_SPAN);
        assert.deepEqual(span.attributes, {
          'djust.transport': 'http',
          'djust.request_id': 'traced-1',
          'djust.view': 'obs',
          'djust.handler': 'ok',
          'enduser.id': '1',
        });
        assert.equal(span.status.code, SpanStatusCode.UNSET);
      });

      it('WS: a span per mount (djust obs.mount) and per event, the event parented on its traceparent field', async () => {
        const mounted = await emit(socket, 'mount', { view: 'obs' });
        await emit(socket, 'event', { ref: mounted.ref, handler: 'ok', traceparent: TRACEPARENT });
        const [mount] = spans('djust obs.mount');
        assert.equal(mount.attributes['djust.transport'], 'ws');
        assert.equal(mount.attributes['djust.handler'], 'mount');
        const [event] = spans('djust obs.ok');
        assert.equal(event.spanContext().traceId, TRACE_ID);
        assert.equal(parentSpanId(event), PARENT_SPAN);
        assert.match(String(event.attributes['djust.request_id']), UUID);
      });

      it('MCP: a span per tool call, parented on the traceparent header', async () => {
        const traced = await connectMcp(running.url, { ...ALICE, traceparent: TRACEPARENT });
        try {
          await traced.callTool({ name: 'obs.ok', arguments: {} });
        } finally {
          await traced.close();
        }
        const [span] = spans('djust obs.ok');
        assert.equal(span.attributes['djust.transport'], 'mcp');
        assert.equal(span.spanContext().traceId, TRACE_ID);
      });

      it('status ERROR on a 5xx (the exception recorded), not on a 4xx', async () => {
        await post(url('boom'), {}, ALICE);
        await post(url('denied'), {}, ALICE);
        const [boom] = spans('djust obs.boom');
        assert.equal(boom.status.code, SpanStatusCode.ERROR);
        assert.equal(boom.status.message, 'handler_error');
        assert.equal(boom.events.find((e) => e.name === 'exception')?.attributes?.['exception.message'], 'obs-secret-detail');
        assert.equal(spans('djust obs.denied')[0].status.code, SpanStatusCode.UNSET);
      });

      it('a call to an unknown view keeps a generic name (no caller-chosen span names)', async () => {
        await post(`${running.url}/djust/api/whatever-you-like/x/`, {}, ALICE);
        assert.deepEqual(spans().map((s) => s.name), ['djust call']);
      });
    });

    describe('@UseInterceptors()', () => {
      it('the view’s interceptor runs around every handler on HTTP, WS and MCP, with getType(), getClass() and getHandler()', async () => {
        const http = await post(url('ok'), {}, ALICE);
        assert.deepEqual(http.body.result, { ok: true, timedNs: true });
        const ws = await emit(socket, 'event', { ref, handler: 'ok' });
        assert.deepEqual(ws.result, { ok: true, timedNs: true });
        const tool = await mcp.callTool({ name: 'obs.ok', arguments: {} });
        assert.deepEqual((tool.structuredContent as { result: unknown }).result, { ok: true, timedNs: true });
        assert.deepEqual(ledger.visits, [
          { type: 'http', viewClass: 'ObservedView', handler: 'ok', sameHandler: true },
          { type: 'ws', viewClass: 'ObservedView', handler: 'ok', sameHandler: true },
          { type: 'mcp', viewClass: 'ObservedView', handler: 'ok', sameHandler: true },
        ]);
      });

      it('a handler’s interceptor runs inside the view’s and maps the result', async () => {
        assert.deepEqual((await post(url('mapped'), {}, ALICE)).body.result, { word: 'QUIET', transport: 'http', timedNs: true });
        assert.deepEqual((await emit(socket, 'event', { ref, handler: 'mapped' })).result, { word: 'QUIET', transport: 'ws', timedNs: true });
      });

      it('a refused call never reaches the interceptors', async () => {
        await post(url('denied'), {}, ALICE);
        assert.deepEqual(ledger.visits, []);
      });
    });

    describe('Standard Schema parameters (Zod 4, Valibot)', () => {
      for (const handler of ['zod_ship', 'valibot_ship']) {
        it(`${handler}: the schema's output reaches the handler (coercion "42" → 42), over HTTP, WS and MCP`, async () => {
          const params = { order_id: '42', lines: [{ sku: 'A', qty: 2 }], extra: true };
          const expected = { order_id: 42, lines: 1, type: 'number' };
          assert.deepEqual((await post(url(handler), params, ALICE)).body.result, { ...expected, timedNs: true });
          assert.deepEqual((await emit(socket, 'event', { ref, handler, params })).result, { ...expected, timedNs: true });
          const tool = await mcp.callTool({ name: `obs.${handler}`, arguments: params });
          assert.deepEqual((tool.structuredContent as { result: unknown }).result, { ...expected, timedNs: true });
        });

        it(`${handler}: failures are validation_error with details keyed by field path`, async () => {
          const res = await post(url(handler), { order_id: 'abc', lines: [{ sku: 'A', qty: 0 }] }, ALICE);
          assert.equal(res.status, 400);
          assert.equal(res.body.error, 'validation_error');
          assert.deepEqual(Object.keys(res.body.details).sort(), ['lines.0.qty', 'order_id']);
          for (const messages of Object.values(res.body.details)) assert.ok(Array.isArray(messages) && messages.every((m) => typeof m === 'string'));
          const ws = await emit(socket, 'event', { ref, handler, params: { order_id: 'abc', lines: [{ sku: 'A', qty: 0 }] } });
          assert.deepEqual(ws.details, res.body.details, 'the same details over WS');
          const missing = await post(url(handler), {}, ALICE);
          assert.deepEqual(Object.keys(missing.body.details), ['order_id']);
          const notObject = await post(url(handler), [1], ALICE);
          assert.deepEqual(notObject.body.details, { non_field_errors: ['Expected a JSON object.'] });
        });
      }

      it('the OpenAPI request bodies and the MCP input schemas are the schemas’ own JSON Schemas; the document is valid 3.1', async () => {
        const document = (await request(`${running.url}/djust/api/openapi.json`)).body;
        assert.deepEqual(await validateOpenApi(document), { valid: true });
        const { tools } = await mcp.listTools();
        for (const handler of ['zod_ship', 'valibot_ship']) {
          const body = document.paths[`/djust/api/obs/${handler}/`].post.requestBody;
          const schema = body.content['application/json'].schema;
          assert.equal(body.required, true);
          assert.deepEqual(schema.required, ['order_id']);
          assert.equal(schema.properties.lines.type, 'array');
          assert.equal('$schema' in schema, false);
          assert.deepEqual(tools.find((t) => t.name === `obs.${handler}`)!.inputSchema, schema, `${handler}: MCP = OpenAPI`);
        }
      });
    });
  });
}

