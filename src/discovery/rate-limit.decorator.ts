import { RATE_LIMIT_METADATA } from '../djust.constants.js';
import type { RateLimitOptions } from '../interfaces/rate-limit-options.interface.js';

/**
 * Limits calls to `limit` per `ttl` milliseconds, per (view, handler, caller) —
 * one bucket shared by HTTP and WS calls. On a view it applies to every handler
 * (a handler's own `@RateLimit` wins).
 *
 * @example
 * ```ts
 * @RateLimit({ limit: 60, ttl: 60_000 })
 * refund(dto: RefundDto) { ... }
 * ```
 */
export function RateLimit(options: RateLimitOptions): ClassDecorator & MethodDecorator {
  if (!Number.isInteger(options?.limit) || options.limit < 1 || !Number.isFinite(options?.ttl) || options.ttl <= 0) {
    throw new Error(`nestjs-djust: @RateLimit needs a positive integer limit and a positive ttl in ms, got ${JSON.stringify(options)}`);
  }
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    Reflect.defineMetadata(RATE_LIMIT_METADATA, { limit: options.limit, ttl: options.ttl }, descriptor ? (descriptor.value as object) : target);
    return descriptor as any;
  };
}
