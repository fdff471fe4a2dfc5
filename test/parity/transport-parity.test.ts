/**
 * Transport parity, on express and fastify: ONE table of cases runs over HTTP
 * (fetch), over WS (the `nestjs-djust/client` client) and over MCP (the MCP
 * SDK's `Client`) against the same app, and all must give the same status,
 * error kind and details (and the same result and assigns on success) — but
 * where MCP answers differently by design (a handler the caller may not see
 * is an unknown tool; see `ParityCase.mcp`). Plus: HTTP calls and WS events of
 * one caller draw from one rate-limit bucket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { io } from 'socket.io-client';
import { connectDjust, DjustClientError, type DjustClient } from '../../src/client/index.js';
import { ADAPTERS, bootApp, post, type RunningApp } from '../support/app.js';
import { callsOf, PARITY_CASES, type ParityCase } from './parity-cases.js';
import { ParityModule, QUOTA_LIMIT } from './parity.fixture.js';

/** What a transport answered, in one shape: `{ status, body }` with body `{ result, assigns }` or `{ error, details }`. */
interface Outcome {
  status: number;
  body: Record<string, unknown>;
}

const IO_TIMEOUT_MS = 5_000;

const tokenFor = (caller: string, perms: readonly string[] | null): string | undefined => (perms === null ? undefined : `u:${caller}:${perms.join(',')}`);

async function overHttp(url: string, c: ParityCase, caller: string): Promise<Outcome> {
  const token = tokenFor(caller, c.perms);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (c.key !== undefined) headers['idempotency-key'] = c.key;
  let res;
  for (const params of callsOf(c)) res = await post(`${url}/djust/api/${c.view}/${c.handler}/`, params, headers);
  const { message: _message, ...body } = res!.body;
  return { status: res!.status, body };
}

/** Over a raw socket: `mount` with `c.mountParams` as-is (the typed client only sends objects), then `event`. */
async function overRawWs(url: string, c: ParityCase, caller: string): Promise<Outcome> {
  const token = tokenFor(caller, c.perms);
  const socket = io(`${url}/djust`, { auth: token ? { token } : {}, forceNew: true, reconnection: false, transports: ['websocket'] });
  try {
    const emit = (event: string, payload: unknown) => socket.timeout(IO_TIMEOUT_MS).emitWithAck(event, payload);
    const mount = await emit('mount', { view: c.view, params: c.mountParams });
    if (typeof mount.error === 'string') return { status: mount.status, body: { error: mount.error, details: mount.details } };
    let ack: any;
    for (const params of callsOf(c)) ack = await emit('event', { ref: mount.ref, handler: c.handler, params, ...(c.key !== undefined ? { id: c.key } : {}) });
    if (typeof ack.error === 'string') return { status: ack.status, body: { error: ack.error, details: ack.details } };
    return { status: 200, body: { result: ack.result, assigns: ack.assigns } };
  } finally {
    socket.close();
  }
}

async function overWs(url: string, c: ParityCase, caller: string, clients: DjustClient[]): Promise<Outcome> {
  if (c.mountParams !== undefined) return overRawWs(url, c, caller);
  const token = tokenFor(caller, c.perms);
  const client = await connectDjust(url, { io, token, timeout: IO_TIMEOUT_MS, socketOptions: { forceNew: true, reconnection: false, transports: ['websocket'] } });
  clients.push(client);
  try {
    const view = await client.mount(c.view);
    const calls = callsOf(c);
    let result: unknown;
    for (const [i, params] of calls.entries()) {
      const before = view.assigns;
      const last = i === calls.length - 1;
      const call = view.call(c.handler, params as Record<string, unknown> | undefined, c.key !== undefined ? { id: c.key } : undefined);
      // Only the last outcome counts: an earlier call may fail (a 400 the next one corrects).
      result = last ? await call : await call.catch((err: unknown) => (err instanceof DjustClientError ? undefined : Promise.reject(err)));
      if (last) return { status: 200, body: { result, assigns: changedKeys(before, view.assigns) } };
    }
    throw new Error('unreachable');
  } catch (err) {
    if (!(err instanceof DjustClientError)) throw err;
    return { status: err.status, body: { error: err.error, details: err.details } };
  }
}

/** A JSON-RPC error instead of a tool result (MCP only): its code. */
interface RpcRefusal {
  status: 'rpc';
  code: number;
}

/** Over MCP: `tools/call <view>.<handler>` with the params as arguments; an anonymous caller is refused at the endpoint. */
async function overMcp(url: string, c: ParityCase, caller: string): Promise<Outcome | RpcRefusal> {
  const token = tokenFor(caller, c.perms);
  if (!token) {
    const res = await fetch(`${url}/djust/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: `${c.view}.${c.handler}`, arguments: c.params } }),
    });
    const { message: _message, ...body } = (await res.json()) as Record<string, unknown>;
    return { status: res.status, body };
  }
  const client = new Client({ name: 'parity', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/djust/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  try {
    let out: Awaited<ReturnType<Client['callTool']>> | undefined;
    const meta = c.key !== undefined ? { _meta: { idempotencyKey: c.key } } : {};
    for (const params of callsOf(c)) out = await client.callTool({ name: `${c.view}.${c.handler}`, arguments: params as Record<string, unknown> | undefined, ...meta });
    const content = out!.structuredContent as Record<string, unknown>;
    if (out!.isError) return { status: content.status as number, body: { error: content.error, details: content.details } };
    return { status: 200, body: { result: content.result, assigns: content.assigns } };
  } catch (err) {
    if (err instanceof McpError) return { status: 'rpc', code: err.code };
    throw err;
  } finally {
    await client.close();
  }
}

/** The diff the client applied (the event ack's `assigns`), rebuilt from the handle's before/after. */
function changedKeys(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(after)) if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = after[key];
  return out;
}

/** Values that legitimately vary between two runs (seconds left in a window). */
function stable(outcome: Outcome): Outcome {
  const details = outcome.body.details as Record<string, unknown> | undefined;
  if (details && typeof details.retry_after === 'number') return { ...outcome, body: { ...outcome.body, details: { ...details, retry_after: '<seconds>' } } };
  return outcome;
}

for (const adapter of ADAPTERS) {
  describe(`HTTP ↔ WS parity (${adapter})`, () => {
    let running: RunningApp;
    const clients: DjustClient[] = [];

    before(async () => {
      running = await bootApp(ParityModule, adapter);
    });
    after(async () => {
      for (const client of clients) client.close();
      await running.close();
    });

    PARITY_CASES.forEach((c, index) => {
      it(c.name, async () => {
        const http = await overHttp(running.url, c, `http-${adapter}-${index}`);
        const ws = await overWs(running.url, c, `ws-${adapter}-${index}`, clients);
        const mcp = await overMcp(running.url, c, `mcp-${adapter}-${index}`);
        const { expect } = c;
        for (const [transport, outcome] of [['http', http], ['ws', ws]] as const) {
          const where = `${transport}: ${JSON.stringify(outcome)}`;
          assert.equal(outcome.status, expect.status, where);
          if (expect.error !== undefined) assert.equal(outcome.body.error, expect.error, where);
          if (expect.details !== undefined) assert.deepEqual(outcome.body.details, expect.details, where);
          if ('result' in expect) assert.deepEqual(outcome.body.result, expect.result, where);
          if (expect.assigns !== undefined) assert.deepEqual(outcome.body.assigns, expect.assigns, where);
          assert.ok(!JSON.stringify(outcome).includes('secret-token-xyz'), `${transport} leaked the handler's message`);
        }
        assert.deepEqual(stable(ws), stable(http), 'HTTP and WS answer alike');
        if (c.mcp) {
          // By design (SPEC, MCP): the JSON-RPC "invalid params" error, the same for a hidden, an unknown or an unexposed tool.
          assert.deepEqual(mcp, { status: 'rpc', code: -32602 }, `mcp: ${JSON.stringify(mcp)}`);
        } else {
          assert.ok(mcp.status !== 'rpc', `mcp: ${JSON.stringify(mcp)}`);
          assert.ok(!JSON.stringify(mcp).includes('secret-token-xyz'), 'mcp leaked the handler’s message');
          assert.deepEqual(stable(mcp), stable(http), 'HTTP and MCP answer alike');
        }
      });
    });

    it('one caller: HTTP calls and WS events draw from one rate-limit bucket', async () => {
      const token = `u:shared-${adapter}:`;
      const headers = { authorization: `Bearer ${token}` };
      const client = await connectDjust(running.url, { io, token, timeout: IO_TIMEOUT_MS, socketOptions: { forceNew: true, reconnection: false, transports: ['websocket'] } });
      clients.push(client);
      const shop = await client.mount('shop');
      assert.equal(QUOTA_LIMIT, 2);
      assert.equal((await post(`${running.url}/djust/api/shop/quota/`, undefined, headers)).status, 200);
      assert.equal(await shop.call('quota'), 'ok');
      await assert.rejects(shop.call('quota'), (err: DjustClientError) => err.status === 429 && err.error === 'rate_limited');
      const http = await post(`${running.url}/djust/api/shop/quota/`, undefined, headers);
      assert.equal(http.status, 429);
      assert.equal(http.body.error, 'rate_limited');
      const other = await post(`${running.url}/djust/api/shop/quota/`, undefined, { authorization: `Bearer u:another-${adapter}:` });
      assert.equal(other.status, 200, 'another caller has its own bucket');
    });
  });
}
