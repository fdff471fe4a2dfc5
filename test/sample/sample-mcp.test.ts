import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import { shipWithAgent } from '../mcp/readme/mcp-agent.js';
import { startSample, type RunningSample } from './sample-support.js';

/** The README's MCP section, against the sample: an agent with the demo token lists and calls the tools. */
describe('sample over MCP: the README example', () => {
  let sample: RunningSample;
  let client: Client;

  before(async () => {
    sample = await startSample();
    client = new Client({ name: 'warehouse-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${sample.url}/djust/mcp`), { requestInit: { headers: { Authorization: `Bearer ${DEMO_API_TOKEN}` } } }),
    );
  });
  after(async () => {
    await client?.close();
    await sample?.close();
  });

  it('tools/list: the two fulfillment tools, with their input schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => [t.name, t.title]),
      [
        ['fulfillment.list_orders', 'List orders'],
        ['fulfillment.ship', 'Ship an order'],
      ],
    );
    const ship = tools.find((t) => t.name === 'fulfillment.ship')!;
    assert.deepEqual(ship.inputSchema.required, ['order_id']);
  });

  it('tools/call: ships an order, then lists it among the shipped ones', async () => {
    const shipped = await client.callTool({ name: 'fulfillment.ship', arguments: { order_id: 43 } });
    assert.deepEqual(shipped.structuredContent, { result: { order_id: 43, status: 'shipped' }, assigns: {} });
    const listed = await client.callTool({ name: 'fulfillment.list_orders', arguments: { status: 'shipped' } });
    const orders = (listed.structuredContent as { result: { id: number }[] }).result;
    assert.ok(orders.some((o) => o.id === 43), JSON.stringify(orders));
  });

  it('the README snippet: lists the tools and ships an order', async () => {
    const { tools, shipped } = await shipWithAgent(sample.url, DEMO_API_TOKEN, 45);
    assert.deepEqual(tools, ['fulfillment.list_orders', 'fulfillment.ship']);
    assert.deepEqual(shipped, { result: { order_id: 45, status: 'shipped' }, assigns: {} });
  });

  it('an order that does not exist: a tool error with the HTTP API’s 404', async () => {
    const out = await client.callTool({ name: 'fulfillment.ship', arguments: { order_id: 999 } });
    assert.equal(out.isError, true);
    assert.equal((out.structuredContent as { status: number }).status, 404);
  });
});
