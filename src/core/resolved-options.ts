import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_DEPTH, DEFAULT_PREFIX } from '../djust.constants.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import type { DjustModuleOptions, DjustOnErrorFn, HasPermissionFn } from '../interfaces/djust-module-options.interface.js';

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
}

/** Merges user options over the defaults and checks them. */
export function resolveOptions(options: DjustModuleOptions, defaultAuthClasses: readonly DjustAuthClass[]): ResolvedDjustOptions {
  const prefix = (options.prefix ?? DEFAULT_PREFIX).replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new DjustConfigurationError(`prefix "${options.prefix}" is not a valid path (letters, digits, "-", "_", "/").`);
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < 0) throw new DjustConfigurationError(`${name} must be a non-negative number, got ${value}.`);
    return v;
  };
  const bodyLimit = positive('bodyLimit', options.bodyLimit, DEFAULT_BODY_LIMIT);
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
    handlerTimeout: positive('handlerTimeout', options.handlerTimeout, 0),
    ws: Object.freeze({
      maxViewsPerSocket: positive('ws.maxViewsPerSocket', options.ws?.maxViewsPerSocket, 32),
      eventsPerSecond: positive('ws.eventsPerSecond', options.ws?.eventsPerSecond, 100),
      maxMessageSize: positive('ws.maxMessageSize', options.ws?.maxMessageSize, Math.min(bodyLimit, 256 * 1024)),
      maxSocketsPerCaller: positive('ws.maxSocketsPerCaller', options.ws?.maxSocketsPerCaller, 64),
    }),
    logExposure: options.logExposure === true,
    mcp: options.mcp === false ? false : Object.freeze({ name: options.mcp?.name ?? title, version: options.mcp?.version ?? version }),
    onError: typeof options.onError === 'function' ? options.onError : undefined,
  });
}
