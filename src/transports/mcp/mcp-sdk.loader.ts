import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

/** What the MCP transport uses of `@modelcontextprotocol/sdk`. */
export interface McpSdk {
  readonly Server: typeof Server;
  readonly StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
  readonly ListToolsRequestSchema: typeof ListToolsRequestSchema;
  /**
   * `tools/call` matched by its method only. The SDK's `Server` validates a
   * `tools/call` against the full schema itself and answers a malformed one
   * (e.g. `arguments` that are not an object) with JSON-RPC "invalid params";
   * registered under the full schema, the same request would fail an earlier
   * parse and come back as "internal error".
   */
  readonly CallToolMethodSchema: CallToolMethodSchema;
  /**
   * One JSON Schema validator for every per-request server: building a
   * validator per `Server` costs more than the rest of a call.
   */
  readonly validator: AjvJsonSchemaValidator;
}

/** A `tools/call` request as the handler registered under {@link McpSdk.CallToolMethodSchema} receives it (already validated by the SDK). */
export type McpCallToolRequest = CallToolRequest;

type CallToolMethodSchema = ReturnType<typeof methodOnly>;
function methodOnly(schema: typeof import('@modelcontextprotocol/sdk/types.js').CallToolRequestSchema) {
  return schema.pick({ method: true }).passthrough();
}

let loading: Promise<McpSdk> | undefined;

/**
 * Loads `@modelcontextprotocol/sdk` (an optional peer dependency) on first
 * use, once; only an app with an `exposeMcp` handler needs it. A missing
 * package fails with a message that says what to install.
 */
export function loadMcpSdk(): Promise<McpSdk> {
  loading ??= Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
    import('@modelcontextprotocol/sdk/validation/ajv'),
  ]).then(
    ([server, http, types, ajv]) => ({
      Server: server.Server,
      StreamableHTTPServerTransport: http.StreamableHTTPServerTransport,
      ListToolsRequestSchema: types.ListToolsRequestSchema,
      CallToolMethodSchema: methodOnly(types.CallToolRequestSchema),
      validator: new ajv.AjvJsonSchemaValidator(),
    }),
    (err: unknown) => {
      loading = undefined;
      throw new Error(
        'nestjs-djust: handlers with exposeMcp need the optional peer dependency @modelcontextprotocol/sdk (npm install @modelcontextprotocol/sdk).',
        { cause: err },
      );
    },
  );
  return loading;
}
