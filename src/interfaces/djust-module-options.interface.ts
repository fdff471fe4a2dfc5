import type { RedisScriptClient } from '../common/redis-script.js';
import type { DjustIdempotencyStore } from '../idempotency/idempotency-store.interface.js';
import type { DjustThrottlerStorage } from '../rate-limit/throttler-storage.interface.js';
import type { DjustTransport } from '../protocol/call-context.js';
import type { DjustAuthClass } from './djust-auth.interface.js';

/** A permission check: may be async. */
export type HasPermissionFn = (user: any, permission: string) => boolean | Promise<boolean>;

/** OpenAPI document options. */
export interface DjustOpenApiOptions {
  /** `info.title`. Default `'nestjs-djust API'`. */
  title?: string;
  /** `info.version`. Default `'1.0.0'`. */
  version?: string;
  /** `info.description`. */
  description?: string;
  /** Serve `/<prefix>/api/openapi.json` to anyone (default `true`); `false`: only to an authenticated caller, 404 otherwise. */
  public?: boolean;
}

/** What `onError` is told about the failed call. */
export interface DjustErrorContext {
  /** The view's slug (`undefined` when the call failed before the view was known). */
  readonly view: string | undefined;
  /** The handler's name, `'mount'` for a WS mount (`undefined` when not known). */
  readonly handler: string | undefined;
  readonly transport: DjustTransport;
  /** The authenticated user, `null` when anonymous or not known yet. */
  readonly user: unknown;
  /** The call's request id (`X-Request-Id`, or the WS ack's `requestId`). */
  readonly requestId: string;
}

/** Called once for every 5xx a call ends with, with the original error. */
export type DjustOnErrorFn = (error: unknown, context: DjustErrorContext) => void | Promise<void>;

/** The MCP endpoint's server info (what `initialize` answers). */
export interface DjustMcpOptions {
  /** `serverInfo.name`. Default: the OpenAPI title. */
  name?: string;
  /** `serverInfo.version`. Default: the OpenAPI version. */
  version?: string;
}

/**
 * Exactly-once calls: where the answers kept for idempotency keys (HTTP
 * `Idempotency-Key`, WS event `id`, MCP `_meta.idempotencyKey`) live, and for
 * how long. Keys are only used when a caller sends one.
 */
export interface DjustIdempotencyOptions {
  /**
   * An ioredis client (`new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000 })`):
   * keys shared by every process of the app, claimed atomically. Default: in
   * this process's memory.
   */
  redis?: RedisScriptClient;
  /** Any other store (a database...). Wins over `redis`. */
  store?: DjustIdempotencyStore;
  /** How long an answer is kept, ms. Default 24 h. */
  ttl?: number;
  /**
   * How long a running call holds its key at most, ms: a process that dies
   * mid-call frees its keys after this, and a handler that runs longer may be
   * run again by a retry. Default 60 s, or twice `handlerTimeout` if longer.
   */
  lockTtl?: number;
  /** Most keys the in-memory store holds (oldest dropped first). Default 100 000. */
  maxEntries?: number;
}

/** WebSocket transport limits. `0` turns a limit off. */
export interface DjustWsOptions {
  /** Maximum views one socket may hold mounted at once. Default 32. */
  maxViewsPerSocket?: number;
  /** Maximum `mount`/`event` messages per second per socket. Default 100. */
  eventsPerSecond?: number;
  /**
   * Maximum size of one message's payload (JSON length, bytes). Default 256 KiB (or `bodyLimit` if smaller).
   * Keep it below socket.io's `maxHttpBufferSize` (1 MB), which closes the connection instead of answering 413.
   */
  maxMessageSize?: number;
  /** Maximum simultaneous sockets per caller (user id, else IP). Default 64. */
  maxSocketsPerCaller?: number;
}

/**
 * Options of `DjustModule.forRoot()` / `forRootAsync()`. Every option has a default;
 * defaults are merged once at startup.
 */
export interface DjustModuleOptions {
  /** URL and namespace prefix: HTTP API under `/<prefix>/api`, socket.io namespace `/<prefix>`. Default `'djust'`. */
  prefix?: string;
  /** `true`: 500 responses carry `details.traceback`. Default `false`. */
  debug?: boolean;
  /** Auth classes for views that set none, tried in order. Default `[SessionAuth]`. */
  authClasses?: DjustAuthClass[];
  /** Permission check. Default: `user.isSuperuser === true`, or `user.permissions` (array or Set) contains the permission. */
  hasPermission?: HasPermissionFn;
  /** A rate-limit storage (`@nestjs/throttler`'s `ThrottlerStorage` contract) for the buckets. Default: an in-memory O(1) storage. */
  throttlerStorage?: DjustThrottlerStorage;
  /** What to do when the throttler storage fails (e.g. Redis is down): `'closed'` answers 429/503-style refusal, `'open'` lets the call through. Default `'closed'`. */
  rateLimitFailure?: 'open' | 'closed';
  /** OpenAPI document options. */
  openapi?: DjustOpenApiOptions;
  /** Extra Origins allowed for cookie-authenticated sockets (besides the Host's own origin). Default `[]`. */
  allowedOrigins?: string[];
  /** Maximum HTTP body size in bytes (413 beyond). Default 1 MiB. */
  bodyLimit?: number;
  /** Maximum nesting depth of a JSON body / WS params (400 beyond). Default 32. */
  maxDepth?: number;
  /** Handler timeout in ms (504 `handler_timeout` beyond); 0 disables. Default 0. */
  handlerTimeout?: number;
  /** WebSocket transport limits. */
  ws?: DjustWsOptions;
  /** Log every exposed handler (URL, auth, permissions, rate limit) at startup. Default `false`. */
  logExposure?: boolean;
  /**
   * The MCP endpoint `POST /<prefix>/mcp`, serving `exposeMcp` handlers as tools
   * (it answers 404 while no handler has `exposeMcp`). `false` removes it.
   * Default: on, with the OpenAPI title and version as server info.
   */
  mcp?: false | DjustMcpOptions;
  /** Exactly-once calls: the idempotency store and how long answers are kept. Default: in memory, 24 h. */
  idempotency?: DjustIdempotencyOptions;
  /**
   * Called once for every 5xx — a handler or `mount` that threw, a result that
   * cannot be serialized, a timeout — with the original error and the call's
   * context: the place to report to Sentry or the like. What the caller gets
   * is unchanged; what `onError` throws or rejects is logged. Default: none
   * (the error is logged).
   */
  onError?: DjustOnErrorFn;
}
