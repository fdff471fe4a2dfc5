/**
 * nestjs-djust: djust-style LiveViews for NestJS. The same server-side
 * handlers over socket.io, over HTTP/JSON with a live OpenAPI 3.1 document,
 * and as MCP tools for AI agents.
 *
 * @packageDocumentation
 */

// The module and its options.
export { DjustModule, type DjustModuleAsyncOptions } from './djust.module.js';
export type {
  DjustErrorContext,
  DjustIdempotencyOptions,
  DjustModuleOptions,
  DjustMcpOptions,
  DjustOnErrorFn,
  DjustOpenApiOptions,
  DjustWsOptions,
  HasPermissionFn,
} from './interfaces/djust-module-options.interface.js';

// Views and handlers.
export { LiveViewBase } from './live-view.base.js';
export { LiveView, type LiveViewOptions } from './discovery/live-view.decorator.js';
export { EventHandler, type EventHandlerOptions } from './discovery/event-handler.decorator.js';
export { PermissionRequired } from './discovery/permission-required.decorator.js';
export { LoginRequired } from './discovery/login-required.decorator.js';
export { RateLimit } from './discovery/rate-limit.decorator.js';
export type { RateLimitOptions } from './interfaces/rate-limit-options.interface.js';
export { apiResponse, ApiResponse, type ApiResponseOptions } from './core/api-response.js';

// Publish/subscribe across processes.
export { DjustPublisher } from './pubsub/djust-publisher.service.js';

// Auth and permissions.
export type { DjustAuth, DjustAuthClass, DjustAuthSecurityScheme } from './interfaces/djust-auth.interface.js';
export { SessionAuth } from './auth/session-auth.js';
export { getOrCreateCsrfToken, CSRF_HEADER_NAMES } from './auth/csrf.js';
export { DjustPermissionGuard } from './auth/permission.guard.js';
export { defaultHasPermission } from './auth/default-has-permission.js';
export { SessionIoAdapter, type EngineMiddleware } from './transports/ws/session-io.adapter.js';

// Rate-limit storages.
export type { DjustThrottlerStorage, ThrottlerStorageRecord } from './rate-limit/throttler-storage.interface.js';
export { MemoryThrottlerStorage, type MemoryThrottlerStorageOptions } from './rate-limit/memory-throttler.storage.js';
export { RedisThrottlerStorage } from './rate-limit/redis-throttler.storage.js';

// Exactly-once calls: idempotency stores.
export type { DjustIdempotencyStore, IdempotencyClaim, StoredOutcome } from './idempotency/idempotency-store.interface.js';
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from './idempotency/memory-idempotency.store.js';
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './idempotency/redis-idempotency.store.js';

// OpenAPI.
export { withDjust, mergeDjustDocument } from './openapi/with-djust.js';
export { DjustOpenApiService } from './openapi/openapi.service.js';
export type { OpenApiDocument } from './openapi/openapi.types.js';
export type { OpenApiWarning } from './openapi/openapi-warning.js';

// The wire: errors and the socket.io protocol.
export { DjustException, type DjustErrorBody } from './protocol/djust.exception.js';
export { ERROR_STATUS, type DjustErrorKind } from './protocol/error-kinds.js';
export type { DjustTransport } from './protocol/call-context.js';
export type {
  Assigns,
  AssignsPush,
  ErrorAck,
  EventAck,
  EventRequest,
  MountAck,
  MountRequest,
  Params,
  UnmountAck,
  UnmountRequest,
} from './protocol/ws-protocol.js';
export { DjustConfigurationError } from './errors/djust-configuration.error.js';

// The exposure audit.
export { ViewRegistry } from './discovery/view-registry.js';
export type { ViewRecord, HandlerRecord } from './discovery/view-record.interface.js';
export { auditExposure, formatExposureReport } from './audit/exposure-audit.js';
export type {
  ExposureReport,
  ExposureSafeguards,
  ExposedHandler,
  ExposedTool,
  ExposureFinding,
  ExposureAuthClass,
  WsOnlyHandler,
  ExposureAuditOptions,
} from './audit/exposure-audit.js';
