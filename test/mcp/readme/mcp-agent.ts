import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export async function shipWithAgent(baseUrl: string, token: string, orderId: number) {
  const client = new Client({ name: 'warehouse-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseUrl}/djust/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  try {
    const { tools } = await client.listTools(); // only the tools this token may call
    const shipped = await client.callTool({ name: 'fulfillment.ship', arguments: { order_id: orderId } });
    // shipped.structuredContent → { result: { order_id, status: 'shipped' }, assigns: {} }
    return { tools: tools.map((t) => t.name), shipped: shipped.structuredContent };
  } finally {
    await client.close();
  }
}
