import { EVENT_HANDLER_METADATA } from '../djust.constants.js';
import type { StandardSchemaV1 } from '../validation/standard-schema.interface.js';

/** Options of `@EventHandler()`. */
export interface EventHandlerOptions {
  /** Also callable over HTTP at `POST /<prefix>/api/<slug>/<handler>/`. Default `false` (WS only). */
  exposeApi?: boolean;
  /** Also an MCP tool `<slug>.<handler>` at `POST /<prefix>/mcp`. Default `false`. Independent of `exposeApi`. */
  exposeMcp?: boolean;
  /** OpenAPI `description` of the operation; the MCP tool's `description`. */
  description?: string;
  /** OpenAPI `summary` of the operation. */
  summary?: string;
  /** The MCP tool's `title` (a human-readable name). */
  title?: string;
  /** OpenAPI `deprecated` flag. Default `false`. */
  deprecated?: boolean;
  /**
   * A Standard Schema (Zod 4, Valibot, ArkType...) the parameters are
   * validated with, instead of a DTO class: the handler receives the schema's
   * output. The OpenAPI and MCP input schemas come from the schema's own JSON
   * Schema (Standard JSON Schema).
   */
  params?: StandardSchemaV1;
}

/**
 * Marks a LiveView method as an event handler: callable over WS, over HTTP
 * with `exposeApi: true`, as an MCP tool with `exposeMcp: true`. The method
 * takes at most one parameter, a class-validator DTO (its type is read from
 * decorator metadata).
 *
 * @example
 * ```ts
 * @EventHandler({ exposeApi: true, exposeMcp: true, description: 'Mark an order as shipped.' })
 * async update_status({ order_id, status }: UpdateStatusDto) { ... }
 *
 * // or with a Standard Schema instead of a DTO class
 * const Ship = z.object({ order_id: z.coerce.number().int() });
 * @EventHandler({ exposeApi: true, params: Ship })
 * ship({ order_id }: z.output<typeof Ship>) { ... }
 * ```
 */
export function EventHandler(options: EventHandlerOptions = {}): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(EVENT_HANDLER_METADATA, { ...options }, descriptor.value as object);
    return descriptor;
  };
}
