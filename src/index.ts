/**
 * nestjs-djust: djust-style LiveViews for NestJS. The same server-side
 * handlers over socket.io and over HTTP/JSON, with a live OpenAPI 3.1 document.
 *
 * @packageDocumentation
 */
export { DjustModule, type DjustModuleAsyncOptions } from './djust.module.js';
export { LiveViewBase } from './live-view.base.js';
export { LiveView, type LiveViewOptions } from './decorators/live-view.decorator.js';
export { EventHandler, type EventHandlerOptions } from './decorators/event-handler.decorator.js';
export { PermissionRequired } from './decorators/permission-required.decorator.js';
export { LoginRequired } from './decorators/login-required.decorator.js';
export { RateLimit } from './decorators/rate-limit.decorator.js';
export { apiResponse, ApiResponse, type ApiResponseOptions } from './core/api-response.js';
export { SessionAuth } from './auth/session-auth.js';
export { getOrCreateCsrfToken, CSRF_HEADER_NAMES } from './auth/csrf.js';
export { withDjust, mergeDjustDocument } from './openapi/with-djust.js';

export type { DjustAuth, DjustAuthClass, DjustAuthSecurityScheme } from './interfaces/djust-auth.interface.js';
export type {
  DjustModuleOptions,
  DjustOpenApiOptions,
  DjustWsOptions,
  HasPermissionFn,
} from './interfaces/djust-module-options.interface.js';
export type { RateLimitOptions } from './interfaces/rate-limit-options.interface.js';
export type { CallContext, AuthResult } from './core/call-context.interface.js';
export type {
  MountRequest,
  MountAck,
  EventRequest,
  EventAck,
  UnmountRequest,
  UnmountAck,
  ErrorAck,
  AssignsPush,
} from './client/djust-protocol.js';

export { DjustException, ERROR_STATUS, type DjustErrorKind, type DjustErrorBody } from './errors/djust.exception.js';
export { DjustConfigurationError } from './errors/djust-configuration.error.js';
export { DjustPipeline } from './core/djust-pipeline.service.js';
export { ViewRegistry } from './discovery/view-registry.js';
export type { ViewRecord, HandlerRecord } from './discovery/view-record.interface.js';
export { DjustOpenApiService } from './openapi/openapi.service.js';
export { createOpenApiDocument, operationIdFor, type CreateOpenApiDocumentOptions, type OpenApiGenerationResult } from './openapi/openapi-document.factory.js';
export type { OpenApiDocument } from './openapi/openapi.types.js';
export type { OpenApiWarning } from './openapi/openapi-warning.js';
export { MemoryThrottlerStorage } from './rate-limit/memory-throttler.storage.js';
export { RateLimiter } from './rate-limit/rate-limiter.service.js';
export { rateLimitHeaders } from './rate-limit/rate-limit-headers.util.js';
export { callerKey } from './rate-limit/caller-key.util.js';
export type { RateLimitDecision } from './rate-limit/rate-limit-decision.interface.js';
export { RedisThrottlerStorage } from './rate-limit/redis-throttler.storage.js';
export { DjustPermissionGuard } from './auth/permission.guard.js';
export { defaultHasPermission } from './auth/default-has-permission.js';
export { SessionIoAdapter, type EngineMiddleware } from './auth/session-io.adapter.js';
export { auditExposure, formatExposureReport } from './audit/exposure-audit.js';
export type {
  ExposureReport,
  ExposedHandler,
  ExposureFinding,
  ExposureAuthClass,
  WsOnlyHandler,
  ExposureAuditOptions,
} from './audit/exposure-audit.js';
