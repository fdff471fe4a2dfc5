import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_DEPTH, DEFAULT_PREFIX } from '../djust.constants.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import type { DjustIdempotencyOptions, DjustModuleOptions, DjustOnErrorFn, HasPermissionFn } from '../interfaces/djust-module-options.interface.js';
import { isRedisScriptClient } from '../common/redis-script.js';

/** Default `idempotency.ttl`: 24 h. */
const DEFAULT_IDEMPOTENCY_TTL = 24 * 60 * 60 * 1000;
/** Default floor of `idempotency.lockTtl`: 60 s. */
const DEFAULT_IDEMPOTENCY_LOCK_TTL = 60_000;

/** Module options with every default filled in (merged once at startup). */
export interface ResolvedDjustOptions {
  readonly prefix: string;
  readonly debug: boolean;
  readonly authClasses: readonly DjustAuthClass[];
  readonly hasPermission: HasPermissionFn | undefined;
  readonly throttlerStorage: DjustModuleOptions['throttlerStorage'];
  readonly rateLimitFailure: 'open' | 'closed';
  readonly openapi: { readonly title: string; readonly version: string; readonly description?: string; readonly public: boolean };
  readonly allowedOrigins: readonly string[];
  readonly bodyLimit: number;
  readonly maxDepth: number;
  readonly handlerTimeout: number;
  readonly ws: { readonly maxViewsPerSocket: number; readonly eventsPerSecond: number; readonly maxMessageSize: number; readonly maxSocketsPerCaller: number };
  readonly logExposure: boolean;
  /** The MCP endpoint: `false` when removed, else its server info. */
  readonly mcp: false | { readonly name: string; readonly version: string };
  readonly onError: DjustOnErrorFn | undefined;
  /** Exactly-once calls: the store options as given, the times with their defaults. */
  readonly idempotency: Readonly<Pick<DjustIdempotencyOptions, 'redis' | 'store' | 'maxEntries'>> & { readonly ttl: number; readonly lockTtl: number };
}

/** Merges user options over the defaults and checks them. */
export function resolveOptions(options: DjustModuleOptions, defaultAuthClasses: readonly DjustAuthClass[]): ResolvedDjustOptions {
  const prefix = (options.prefix ?? DEFAULT_PREFIX).replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new DjustConfigurationError(`prefix "${options.prefix}" is not a valid path (letters, digits, "-", "_", "/").`);
  }
  const bodyLimit = positive('bodyLimit', options.bodyLimit, DEFAULT_BODY_LIMIT);
  const handlerTimeout = positive('handlerTimeout', options.handlerTimeout, 0);
  const title = options.openapi?.title ?? 'nestjs-djust API';
  const version = options.openapi?.version ?? '1.0.0';
  return Object.freeze({
    prefix,
    debug: options.debug === true,
    authClasses: Object.freeze([...(options.authClasses ?? defaultAuthClasses)]),
    hasPermission: options.hasPermission,
    throttlerStorage: options.throttlerStorage,
    rateLimitFailure: options.rateLimitFailure ?? 'closed',
    openapi: Object.freeze({
      title,
      version,
      description: options.openapi?.description,
      public: options.openapi?.public !== false,
    }),
    allowedOrigins: Object.freeze([...(options.allowedOrigins ?? [])]),
    bodyLimit,
    maxDepth: positive('maxDepth', options.maxDepth, DEFAULT_MAX_DEPTH),
    handlerTimeout,
    ws: Object.freeze({
      maxViewsPerSocket: positive('ws.maxViewsPerSocket', options.ws?.maxViewsPerSocket, 32),
      eventsPerSecond: positive('ws.eventsPerSecond', options.ws?.eventsPerSecond, 100),
      maxMessageSize: positive('ws.maxMessageSize', options.ws?.maxMessageSize, Math.min(bodyLimit, 256 * 1024)),
      maxSocketsPerCaller: positive('ws.maxSocketsPerCaller', options.ws?.maxSocketsPerCaller, 64),
    }),
    logExposure: options.logExposure === true,
    mcp: options.mcp === false ? false : Object.freeze({ name: options.mcp?.name ?? title, version: options.mcp?.version ?? version }),
    onError: typeof options.onError === 'function' ? options.onError : undefined,
    idempotency: resolveIdempotency(options.idempotency ?? {}, handlerTimeout),
  });
}

/** A number option: the value, else the default; refused when negative or not finite. */
function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new DjustConfigurationError(`${name} must be a non-negative number, got ${value}.`);
  return v;
}

function resolveIdempotency(options: DjustIdempotencyOptions, handlerTimeout: number): ResolvedDjustOptions['idempotency'] {
  const { redis, store, maxEntries } = options;
  if (redis !== undefined && !isRedisScriptClient(redis)) throw new DjustConfigurationError('idempotency.redis must be an ioredis client (an object with evalsha() and eval()).');
  const methods = ['claim', 'complete', 'release'] as const;
  if (store !== undefined && !methods.every((m) => typeof (store as unknown as Record<string, unknown>)?.[m] === 'function')) {
    throw new DjustConfigurationError('idempotency.store must implement DjustIdempotencyStore (claim, complete, release).');
  }
  if (maxEntries !== undefined && (!Number.isInteger(maxEntries) || maxEntries < 1)) {
    throw new DjustConfigurationError(`idempotency.maxEntries must be a positive integer, got ${String(maxEntries)}.`);
  }
  const ttl = positive('idempotency.ttl', options.ttl, DEFAULT_IDEMPOTENCY_TTL);
  const lockTtl = positive('idempotency.lockTtl', options.lockTtl, Math.max(DEFAULT_IDEMPOTENCY_LOCK_TTL, 2 * handlerTimeout));
  if (ttl === 0 || lockTtl === 0) throw new DjustConfigurationError('idempotency.ttl and idempotency.lockTtl must be greater than 0.');
  return Object.freeze({ redis, store, maxEntries, ttl, lockTtl });
}
