import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { HandlerRecord, ViewRecord } from '../../discovery/view-record.interface.js';
import { ViewRegistry } from '../../discovery/view-registry.js';
import { createHandlerInputSchemas } from '../../openapi/handler-input-schemas.factory.js';
import { formatOpenApiWarning } from '../../openapi/openapi-warning.js';
import { DjustOpenApiService } from '../../openapi/openapi.service.js';
import type { JsonSchema } from '../../openapi/openapi.types.js';
import { toolName } from '../../protocol/routes.js';

/** What `tools/list` says of a tool. */
export interface McpToolDefinition {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: JsonSchema & { type: 'object' };
}

/** One `exposeMcp` handler as a tool. */
export interface McpTool {
  readonly record: ViewRecord;
  readonly handler: HandlerRecord;
  readonly definition: McpToolDefinition;
}

/** Tool names MCP clients accept (the SDK's and the spec's guidance: letters, digits, `_`, `-`, `.`). */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * The MCP tools: one per `@EventHandler({ exposeMcp: true })`, named
 * `<slug>.<handler>`, with the handler's DTO schema (the OpenAPI request body
 * schema) inlined as its `inputSchema`. Built from the registry on first use
 * and again only when the registry changes; never per request.
 */
@Injectable()
export class McpToolCatalog implements OnApplicationBootstrap {
  private readonly logger = new Logger('Djust');
  private built: { version: number; tools: ReadonlyMap<string, McpTool> } | undefined;

  constructor(
    private readonly registry: ViewRegistry,
    private readonly openApi: DjustOpenApiService,
  ) {}

  /** Builds the tools once at startup, so their schema warnings are logged then. */
  onApplicationBootstrap(): void {
    void this.tools;
  }

  /** Every tool, by name. */
  get tools(): ReadonlyMap<string, McpTool> {
    if (this.built?.version !== this.registry.version) this.built = { version: this.registry.version, tools: this.build() };
    return this.built.tools;
  }

  private build(): ReadonlyMap<string, McpTool> {
    const mcpViews = this.registry.views.filter((v) => [...v.handlers.values()].some((h) => h.options.exposeMcp));
    const schemas = createHandlerInputSchemas(mcpViews);
    const tools = new Map<string, McpTool>();
    for (const record of this.registry.views) {
      for (const handler of record.handlers.values()) {
        if (!handler.options.exposeMcp) continue;
        const name = toolName(record.slug, handler.name);
        if (!TOOL_NAME.test(name)) {
          this.logger.warn(`${record.viewClass.name}.${handler.name}: "${name}" is not a valid MCP tool name (letters, digits, "_", "-", "."); it is not served over MCP.`);
          continue;
        }
        const inputSchema = schemas.get(record.slug, handler.name) ?? { type: 'object' };
        const { title, description, summary } = handler.options;
        const definition: McpToolDefinition = {
          name,
          ...(title ? { title } : {}),
          ...(description || summary ? { description: description ?? summary } : {}),
          inputSchema: { ...inputSchema, type: 'object' },
        };
        tools.set(name, { record, handler, definition: Object.freeze(definition) });
      }
    }
    // A DTO exposed over HTTP too was already reported with the OpenAPI document's warnings.
    const reported = new Set(this.openApi.getWarnings().map(formatOpenApiWarning));
    for (const line of new Set(schemas.warnings.map(formatOpenApiWarning))) if (!reported.has(line)) this.logger.warn(`MCP input schema: ${line}`);
    return tools;
  }
}
