import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { packageRequire } from '../../common/package-require.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { CallToolRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

/** What the MCP transport uses of `@modelcontextprotocol/sdk`. */
export interface McpSdk {
  readonly Server: typeof Server;
  /**
   * The Streamable HTTP transport on Web-standard `Request`/`Response` (what the
   * SDK's Node transport wraps, behind a generic Node↔Web-streams bridge):
   * djust's adapters hand it a `Request` and write its `Response` themselves.
   */
  readonly WebStandardStreamableHTTPServerTransport: typeof WebStandardStreamableHTTPServerTransport;
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

let loaded: McpSdk | undefined;

/**
 * Loads `@modelcontextprotocol/sdk` (an optional peer dependency) on first
 * use, once; only an app with an `exposeMcp` handler needs it. It is loaded
 * with `require` (the SDK ships CommonJS too), which works in both builds of
 * this package and under Jest's CommonJS runtime, where `import()` does not.
 * A missing package fails with a message that says what to install.
 */
export function loadMcpSdk(): McpSdk {
  if (loaded) return loaded;
  let modules: [
    typeof import('@modelcontextprotocol/sdk/server/index.js'),
    typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
    typeof import('@modelcontextprotocol/sdk/types.js'),
    typeof import('@modelcontextprotocol/sdk/validation/ajv'),
  ];
  try {
    modules = [
      packageRequire('@modelcontextprotocol/sdk/server/index.js'),
      packageRequire('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
      packageRequire('@modelcontextprotocol/sdk/types.js'),
      packageRequire('@modelcontextprotocol/sdk/validation/ajv'),
    ];
  } catch (err) {
    throw new Error(
      'nestjs-djust: handlers with exposeMcp need the optional peer dependency @modelcontextprotocol/sdk (npm install @modelcontextprotocol/sdk).',
      { cause: err },
    );
  }
  const [server, http, types, ajv] = modules;
  loaded = {
    Server: server.Server,
    WebStandardStreamableHTTPServerTransport: http.WebStandardStreamableHTTPServerTransport,
    ListToolsRequestSchema: types.ListToolsRequestSchema,
    CallToolMethodSchema: methodOnly(types.CallToolRequestSchema),
    validator: new ajv.AjvJsonSchemaValidator(),
  };
  return loaded;
}
