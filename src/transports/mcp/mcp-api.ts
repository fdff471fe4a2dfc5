import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Authenticator, type AuthMemo } from '../../auth/authenticator.js';
import { errorDetail } from '../../common/safe-format.util.js';
import { DjustDispatcher } from '../../core/djust-dispatcher.service.js';
import type { ResolvedDjustOptions } from '../../core/resolved-options.js';
import { DJUST_RESOLVED_OPTIONS } from '../../djust.internal-constants.js';
import type { DjustException } from '../../protocol/djust.exception.js';
import type { CallContext } from '../../protocol/call-context.js';
import { resolveRequestId } from '../../protocol/request-id.js';
import { notFound, unauthenticated } from '../../protocol/wire-errors.js';
import { encodeError, encodeJson, type HttpAnswer } from '../http/http-encoder.js';
import { httpContext, type DecodedBody, type HttpRequestView } from '../http/http-request.js';
import { PARSE_ERROR_BODY, toToolResult, unknownTool, type McpToolResult } from './mcp-encoder.js';
import { loadMcpSdk, type McpCallToolRequest } from './mcp-sdk.loader.js';
import { McpToolCatalog, type McpTool, type McpToolDefinition } from './mcp-tool.catalog.js';

/** What to do with one request to the MCP endpoint: answer it ourselves, or hand it to the MCP SDK. */
export type McpPlan = { readonly answer: HttpAnswer } | { readonly serve: (req: IncomingMessage, res: ServerResponse) => Promise<void> };

/**
 * The MCP transport, adapter-neutral: `POST /<prefix>/mcp` served by the
 * official SDK's Streamable HTTP transport in stateless mode (a server and a
 * transport per request, plain JSON answers). It decodes `tools/list` and
 * `tools/call` for the core and encodes the outcomes; every check of a call —
 * auth, CSRF, permissions, rate limit, validation — runs in the one dispatch.
 *
 * Before the SDK sees a request: 404 while no handler has `exposeMcp`; 401
 * with `WWW-Authenticate: Bearer` when the auth classes of no view with a tool
 * accept the caller (`initialize` included).
 */
@Injectable()
export class McpApi {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly dispatcher: DjustDispatcher,
    private readonly authenticator: Authenticator,
    private readonly catalog: McpToolCatalog,
    @Inject(DJUST_RESOLVED_OPTIONS) readonly options: ResolvedDjustOptions,
  ) {}

  /** Decides what to do with a request whose body the adapter decoded. */
  async plan(req: HttpRequestView, decoded: DecodedBody): Promise<McpPlan> {
    const requestId = resolveRequestId(req.headers['x-request-id']);
    const tools = this.catalog.tools;
    if (tools.size === 0) return { answer: encodeError(notFound(), requestId) };
    const caller = httpContext(req, 'mcp');
    const memo: AuthMemo = new Map();
    if (!(await this.acceptedByAny(tools, caller, memo))) {
      const answer = encodeError(unauthenticated(), requestId);
      return { answer: { ...answer, headers: { ...answer.headers, 'www-authenticate': 'Bearer' } } };
    }
    if (decoded.error) return { answer: encodeJson(400, PARSE_ERROR_BODY, requestId) };
    return { serve: (raw, res) => this.serve(raw, res, decoded.body, { tools, caller, memo, requestId }) };
  }

  /** An answer the adapter gives before any call (405, 413, 415, 503), with the request's id. */
  refuse(req: Pick<HttpRequestView, 'headers'>, error: DjustException): HttpAnswer {
    return encodeError(error, resolveRequestId(req.headers['x-request-id']));
  }

  private async acceptedByAny(tools: ReadonlyMap<string, McpTool>, caller: CallContext, memo: AuthMemo): Promise<boolean> {
    const views = new Set([...tools.values()].map((t) => t.record));
    for (const record of views) {
      const { user } = await this.authenticator.authenticate(record, caller, memo);
      if (user !== null && user !== undefined) return true;
    }
    return false;
  }

  private async serve(raw: IncomingMessage, res: ServerResponse, body: unknown, request: McpRequest): Promise<void> {
    const sdk = loadMcpSdk();
    res.setHeader('x-request-id', request.requestId);
    const { name, version } = this.options.mcp || { name: this.options.openapi.title, version: this.options.openapi.version };
    const server = new sdk.Server({ name, version }, { capabilities: { tools: {} }, jsonSchemaValidator: sdk.validator });
    server.setRequestHandler(sdk.ListToolsRequestSchema, async () => ({ tools: await this.visibleTools(request) }));
    server.setRequestHandler(sdk.CallToolMethodSchema, async (call) => this.callTool((call as unknown as McpCallToolRequest).params, request));
    const transport = new sdk.StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close().catch((err: unknown) => this.logger.error(`MCP transport close failed: ${errorDetail(err)}`));
      server.close().catch((err: unknown) => this.logger.error(`MCP server close failed: ${errorDetail(err)}`));
    });
    await server.connect(transport);
    await transport.handleRequest(raw, res, body);
  }

  /** `tools/list`: only the tools this caller may call (view accepts it, login and permissions pass). */
  private async visibleTools({ tools, caller, memo }: McpRequest): Promise<McpToolDefinition[]> {
    const visible: McpToolDefinition[] = [];
    for (const tool of tools.values()) if (await this.dispatcher.permits(caller, tool.record, tool.handler, memo)) visible.push(tool.definition);
    return visible;
  }

  /** `tools/call`: the one dispatch; a tool that does not exist or is hidden from this caller is the same JSON-RPC error. */
  private async callTool(
    params: { name: string; arguments?: Record<string, unknown>; _meta?: unknown },
    { tools, caller, memo, requestId }: McpRequest,
  ): Promise<McpToolResult> {
    const tool = tools.get(params.name);
    if (!tool) throw unknownTool(params.name);
    const outcome = await this.dispatcher.dispatch({
      kind: 'call',
      view: tool.record.slug,
      handler: tool.handler.name,
      params: params.arguments,
      caller,
      requestId,
      traceparent: caller.headers.traceparent,
      idempotencyKey: idempotencyKeyOf(params._meta),
      authMemo: memo,
    });
    if (!outcome.ok && DjustDispatcher.hidesHandler(outcome.stage)) throw unknownTool(params.name);
    return toToolResult(outcome);
  }
}

/** `_meta.idempotencyKey` of a `tools/call` (`_meta` is the client's: any JSON). */
function idempotencyKeyOf(meta: unknown): unknown {
  return meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? (meta as { idempotencyKey?: unknown }).idempotencyKey : undefined;
}

/** What one request to the endpoint carries into its `tools/list` and `tools/call` handlers. */
interface McpRequest {
  readonly tools: ReadonlyMap<string, McpTool>;
  readonly caller: CallContext;
  readonly memo: AuthMemo;
  readonly requestId: string;
}
