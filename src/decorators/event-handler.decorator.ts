import { EVENT_HANDLER_METADATA } from '../djust.constants.js';

/** Options of `@EventHandler()`. */
export interface EventHandlerOptions {
  /** Also callable over HTTP at `POST /<prefix>/api/<slug>/<handler>/`. Default `false` (WS only). */
  exposeApi?: boolean;
  /** OpenAPI `description` of the operation. */
  description?: string;
  /** OpenAPI `summary` of the operation. */
  summary?: string;
  /** OpenAPI `deprecated` flag. Default `false`. */
  deprecated?: boolean;
}

/**
 * Marks a LiveView method as an event handler: callable over WS, and over HTTP
 * with `exposeApi: true`. The method takes at most one parameter, a
 * class-validator DTO (its type is read from decorator metadata).
 *
 * @example
 * ```ts
 * @EventHandler({ exposeApi: true, description: 'Mark an order as shipped.' })
 * async update_status({ order_id, status }: UpdateStatusDto) { ... }
 * ```
 */
export function EventHandler(options: EventHandlerOptions = {}): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(EVENT_HANDLER_METADATA, { ...options }, descriptor.value as object);
    return descriptor;
  };
}
