/**
 * Metadata keys written by the nestjs-djust decorators. Namespaced so they never
 * collide with Nest's own keys or another library's. Read once at bootstrap by
 * the view explorer; never per request.
 */
export const LIVE_VIEW_METADATA = 'djust:live-view';
export const EVENT_HANDLER_METADATA = 'djust:event-handler';
export const PERMISSION_REQUIRED_METADATA = 'djust:permission-required';
export const LOGIN_REQUIRED_METADATA = 'djust:login-required';
export const RATE_LIMIT_METADATA = 'djust:rate-limit';

/** The default URL/namespace prefix: HTTP API under `/djust/api`, socket.io namespace `/djust`. */
export const DEFAULT_PREFIX = 'djust';
/** Default maximum HTTP request body, in bytes (1 MiB). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Default maximum nesting depth of a JSON body or WS params object. */
export const DEFAULT_MAX_DEPTH = 32;
