import type { ViewRecord } from '../discovery/view-record.interface.js';
import { compareStrings } from './document-order.util.js';
import { DtoSchemaFactory } from './dto-schema.factory.js';
import { envelopeComponentNames } from './envelope-schemas.js';
import { inlineSchema } from './inline-schema.util.js';
import type { OpenApiWarning } from './openapi-warning.js';
import type { JsonSchema } from './openapi.types.js';
import { standardInputJsonSchema } from './standard-json-schema.util.js';

/** The inlined input schema of every handler, by view slug and handler name. */
export interface HandlerInputSchemas {
  /**
   * The JSON Schema of the handler's input — the same schema as its OpenAPI
   * `requestBody`, inlined (no `$ref` outside itself; a self-referencing DTO
   * keeps its cycle under `$defs`) — or `{ "type": "object" }` for a handler
   * without a DTO parameter. A fresh copy on each call; `undefined` for an
   * unknown view or handler.
   */
  get(slug: string, handler: string): JsonSchema | undefined;
  /** What the DTO schemas could not describe exactly (as in the OpenAPI document's warnings). */
  readonly warnings: readonly OpenApiWarning[];
}

/**
 * Builds the input schema of every `@EventHandler` of the views (for MCP
 * tools: their `inputSchema`). Pure, like `createOpenApiDocument`: reads only
 * the records and the DTO classes' decorator metadata, with the same DTO
 * schema factory, so a tool's schema is its `requestBody` schema, inlined.
 *
 * @example
 * ```ts
 * const schemas = createHandlerInputSchemas(registry.views);
 * schemas.get('order', 'update_status'); // { type: 'object', properties: { order_id: ... }, required: [...] }
 * ```
 */
export function createHandlerInputSchemas(views: readonly ViewRecord[]): HandlerInputSchemas {
  const dtos = new DtoSchemaFactory({ reservedNames: envelopeComponentNames() });
  const bodies = new Map<string, Map<string, JsonSchema>>();
  for (const view of [...views].sort((a, b) => compareStrings(a.slug, b.slug))) {
    const handlers = new Map<string, JsonSchema>();
    for (const name of [...view.handlers.keys()].sort(compareStrings)) {
      const { dtoType, paramsSchema } = view.handlers.get(name)!;
      handlers.set(name, paramsSchema ? (standardInputJsonSchema(paramsSchema) ?? { type: 'object' }) : dtoType ? dtos.ref(dtoType) : { type: 'object' });
    }
    bodies.set(view.slug, handlers);
  }
  const components = Object.fromEntries(dtos.schemas);
  const inlined = new Map([...bodies].map(([slug, handlers]) => [slug, new Map([...handlers].map(([name, body]) => [name, inlineSchema(body, components)]))]));
  return {
    get: (slug, handler) => {
      const schema = inlined.get(slug)?.get(handler);
      return schema === undefined ? undefined : structuredClone(schema);
    },
    warnings: [...dtos.warnings],
  };
}
