/**
 * MCP: `exposeMcp` handlers as tools, served at `POST /djust/mcp` by the
 * official SDK's Streamable HTTP transport, driven here by the SDK's own
 * `Client` against a real app on port 0, on express and fastify.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { ADAPTERS, bootApp, post, type RunningApp } from '../support/app.js';
import { bearer } from '../support/token-auth.js';
import { McpLedger, mcpModule, QUOTA } from './mcp.fixture.js';

const IO_TIMEOUT_MS = 10_000;

/** An SDK client connected to the app's MCP endpoint, with an optional bearer token. */
async function connectMcp(url: string, token?: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'djust-test', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/djust/mcp`), {
    requestInit: { headers: { ...(token ? bearer(token) : {}), ...headers } },
  });
  await client.connect(transport);
  return client;
}

/** The JSON-RPC error code of a rejected call (an `McpError`). */
async function rpcError(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  const err = await promise.then(
    () => assert.fail('expected a JSON-RPC error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof McpError, String(err));
  return { code: err.code, message: err.message };
}

for (const adapter of ADAPTERS) {
  describe(`MCP tools (${adapter})`, () => {
    let running: RunningApp;
    const clients: Client[] = [];
    const connect = async (token?: string, headers?: Record<string, string>) => {
      const client = await connectMcp(running.url, token, headers);
      clients.push(client);
      return client;
    };

    before(async () => {
      running = await bootApp(mcpModule(), adapter);
    });
    after(async () => {
      for (const client of clients) await client.close();
      await running.close();
    });

    it('initialize: the server info from the OpenAPI title and version, with the tools capability', async () => {
      const client = await connect('token-alice');
      assert.deepEqual(client.getServerVersion(), { name: 'MCP test', version: '2.0.0' });
      assert.ok(client.getServerCapabilities()?.tools);
    });

    it('tools/list: only what the caller may call, with the inlined input schemas', async () => {
      const names = async (token: string) => (await (await connect(token)).listTools()).tools.map((t) => t.name).sort();
      assert.deepEqual(await names('token-alice'), ['order.boom', 'order.list_orders', 'order.quota', 'order.refund', 'order.ship', 'order.update_status']);
      assert.deepEqual(await names('token-bob'), ['order.boom', 'order.list_orders', 'order.quota', 'order.ship', 'order.update_status'], 'no refund without orders.change_order');
      assert.deepEqual(await names('token-carol'), [], 'the view needs orders.view_order');

      const { tools } = await (await connect('token-alice')).listTools();
      const update = tools.find((t) => t.name === 'order.update_status')!;
      assert.equal(update.title, 'Update status');
      assert.equal(update.description, 'Ship an order.');
      assert.deepEqual(update.inputSchema.required, ['order_id', 'status']);
      assert.deepEqual((update.inputSchema.properties as Record<string, unknown>).order_id, { type: 'integer', minimum: 1, maximum: 2_147_483_647 });
      const ship = tools.find((t) => t.name === 'order.ship')!;
      assert.ok(!JSON.stringify(ship.inputSchema).includes('$ref'), 'no $ref: the nested DTO is inlined');
      assert.deepEqual((ship.inputSchema.properties as Record<string, any>).to.properties, { city: { type: 'string' } });
      assert.deepEqual(tools.find((t) => t.name === 'order.list_orders')!.inputSchema, { type: 'object' });
    });

    it('tools/call: the one dispatch (coercion, this.transport === "mcp"), result and assigns', async () => {
      const client = await connect('token-alice');
      const out = await client.callTool({ name: 'order.update_status', arguments: { order_id: '42', status: 'shipped', extra: 1 } });
      const result = { order_id: 42, status: 'shipped', by: 'alice', transport: 'mcp', hasRequest: true };
      assert.deepEqual(out.structuredContent, { result, assigns: { status: 'shipped' } });
      assert.deepEqual(out.content, [{ type: 'text', text: JSON.stringify(result) }]);
      assert.equal(out.isError, undefined);
    });

    it('a validation error is a tool error with the HTTP API kind, status and details', async () => {
      const client = await connect('token-alice');
      const out = await client.callTool({ name: 'order.update_status', arguments: { status: 'x' } });
      assert.equal(out.isError, true);
      assert.deepEqual(out.structuredContent, { error: 'validation_error', details: { order_id: ['This field is required.'] }, status: 400 });
      const nested = await client.callTool({ name: 'order.ship', arguments: { order_id: 1, to: { city: 7 } } });
      assert.deepEqual(nested.structuredContent, { error: 'validation_error', details: { 'to.city': ['city must be a string'] }, status: 400 });
    });

    it('apiResponse: result, assigns {} (the status is HTTP’s)', async () => {
      const out = await (await connect('token-alice')).callTool({ name: 'order.refund', arguments: { order_id: 7, status: 'x' } });
      assert.deepEqual(out.structuredContent, { result: { refunded: 7 }, assigns: {} });
    });

    it('a hidden tool (a permission the caller lacks) and an unknown one get the same JSON-RPC error; the handler never runs', async () => {
      const ledger = running.app.get(McpLedger);
      const before = ledger.calls.length;
      const bob = await connect('token-bob');
      const hidden = await rpcError(bob.callTool({ name: 'order.refund', arguments: { order_id: 9, status: 'x' } }));
      const unknown = await rpcError(bob.callTool({ name: 'order.nope', arguments: {} }));
      const other = await rpcError(bob.callTool({ name: 'account.me', arguments: {} }));
      const notMcp = await rpcError(bob.callTool({ name: 'order.http_only', arguments: {} }));
      assert.equal(hidden.code, -32602);
      for (const e of [unknown, other, notMcp]) assert.equal(e.code, hidden.code);
      assert.equal(hidden.message.replace('order.refund', '<name>'), unknown.message.replace('order.nope', '<name>'));
      assert.equal(ledger.calls.length, before);
    });

    it('a throwing handler is a 500 tool error; its message never leaves the server', async () => {
      const out = await (await connect('token-alice')).callTool({ name: 'order.boom', arguments: {} });
      assert.deepEqual(out.structuredContent, { error: 'handler_error', details: {}, status: 500 });
      assert.ok(!JSON.stringify(out).includes('secret-mcp-detail'));
    });

    it('no accepted auth: HTTP 401 with WWW-Authenticate: Bearer, initialize included', async () => {
      const err = await connectMcp(running.url).then(
        () => assert.fail('connected without credentials'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof StreamableHTTPError);
      assert.equal(err.code, 401);
      const res = await fetch(`${running.url}/djust/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer nobody' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(((await res.json()) as { error: string }).error, 'unauthenticated');
    });

    it('other methods on the endpoint: 405 with the envelope and Allow: POST', async () => {
      for (const method of ['GET', 'DELETE', 'PUT']) {
        const res = await fetch(`${running.url}/djust/mcp`, { method, headers: bearer('token-alice') });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get('allow'), 'POST');
        assert.equal(((await res.json()) as { error: string }).error, 'method_not_allowed');
      }
    });

    it('a body that is not JSON: the JSON-RPC parse error, HTTP 400', async () => {
      const res = await fetch(`${running.url}/djust/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...bearer('token-alice') },
        body: '{"jsonrpc": ',
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: { code: number } }).error.code, -32700);
    });

    it('one rate-limit bucket per caller for HTTP, WS and MCP', async () => {
      assert.equal(QUOTA, 2);
      const mcp = await connect('token-root');
      assert.equal((await post(`${running.url}/djust/api/order/quota/`, undefined, bearer('token-root'))).status, 200);
      assert.deepEqual((await mcp.callTool({ name: 'order.quota', arguments: {} })).structuredContent, { result: 'ok', assigns: {} });
      const socket = io(`${running.url}/djust`, { auth: { token: 'token-root' }, transports: ['websocket'], forceNew: true, reconnection: false });
      try {
        const mounted = await socket.timeout(IO_TIMEOUT_MS).emitWithAck('mount', { view: 'order' });
        const ws = await socket.timeout(IO_TIMEOUT_MS).emitWithAck('event', { ref: mounted.ref, handler: 'quota' });
        assert.deepEqual([ws.error, ws.status], ['rate_limited', 429]);
      } finally {
        socket.close();
      }
      const limited = await mcp.callTool({ name: 'order.quota', arguments: {} });
      assert.equal(limited.isError, true);
      assert.equal((limited.structuredContent as { error: string }).error, 'rate_limited');
      assert.equal((limited.structuredContent as { status: number }).status, 429);
    });

    it('X-Request-Id: the caller’s own when safe, else a fresh one', async () => {
      const init = (requestId: string) =>
        fetch(`${running.url}/djust/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-request-id': requestId, ...bearer('token-alice') },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
        });
      const own = await init('trace-123.abc');
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('x-request-id'), 'trace-123.abc');
      const unsafe = await init('bad id\twith tab');
      assert.match(unsafe.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    });
  });
}

describe('MCP endpoint without tools, or turned off', () => {
  for (const adapter of ADAPTERS) {
    it(`forRoot({ mcp: false }) removes the endpoint (${adapter})`, async () => {
      const running = await bootApp(mcpModule({ mcp: false }), adapter);
      try {
        const res = await fetch(`${running.url}/djust/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer('token-alice') }, body: '{}' });
        assert.equal(res.status, 404);
        assert.equal(res.headers.get('x-request-id'), null, 'not an answer of djust: the route is not bound');
      } finally {
        await running.close();
      }
    });
  }
});
