import type { CallContext } from '../core/call-context.interface.js';
import { DjustException, ERROR_STATUS, notFound, type DjustErrorKind } from '../errors/djust.exception.js';

/** The framework-neutral view of one HTTP request that the bindings build. */
export interface RawHttpRequest {
  /** The framework's request object (express `Request` / fastify `FastifyRequest`). */
  readonly request: any;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip: string | undefined;
  readonly session: Record<string, any> | undefined;
}

/** Builds the pipeline's call context for an HTTP request. */
export function httpContext(raw: RawHttpRequest): CallContext {
  return {
    transport: 'http',
    request: raw.request,
    headers: raw.headers,
    ip: raw.ip,
    session: raw.session,
    httpRequest: raw.request,
  };
}

/** True for `application/json` and `application/*+json`, with any parameters. */
export function isJsonMediaType(contentType: string | string[] | undefined): boolean {
  if (contentType === 'application/json') return true;
  if (typeof contentType !== 'string') return false;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** 415 for a non-empty body that is not JSON. */
export function unsupportedMediaType(): DjustException {
  return new DjustException('unsupported_media_type', { non_field_errors: ['The body must be application/json.'] }, 'Unsupported media type.');
}

/** 413 for a body over the limit. */
export function payloadTooLarge(limit: number): DjustException {
  return new DjustException('payload_too_large', { limit }, `The body is larger than ${limit} bytes.`);
}

/** 400 for a body that is not valid JSON (raised at the validation step). */
export function malformedJson(): DjustException {
  return new DjustException('validation_error', { non_field_errors: ['Malformed JSON.'] }, 'Invalid input.');
}

/** 405 with `Allow: POST`. */
export function methodNotAllowed(): DjustException {
  return new DjustException('method_not_allowed', {}, 'Method not allowed.', { Allow: 'POST' });
}

/**
 * Parses a raw body string: `undefined` for an empty body, else the JSON value;
 * a `DjustException` (malformed JSON) is returned, not thrown, so the pipeline
 * can raise it after the auth checks.
 */
export function parseJsonBody(text: string): { body: unknown; error?: DjustException } {
  if (text.length === 0 || /^\s*$/.test(text)) return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { body: undefined, error: malformedJson() };
  }
}

/**
 * The answer when something outside djust failed on a djust path before the
 * route answered: another middleware or hook of the app (a session store that
 * is down, a proxy check) or the framework. A 4xx status the error carries
 * keeps its kind (an unknown 4xx becomes 400); anything else is 503
 * `service_unavailable`: no handler ran, and retrying later may work. The
 * error's own message is never sent (the binding logs it).
 */
export function upstreamFailure(err: unknown): DjustException {
  const status = Number((err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode);
  if (status >= 400 && status < 500) {
    if (status === 404) return notFound();
    const kind = (Object.keys(ERROR_STATUS) as DjustErrorKind[]).find((k) => ERROR_STATUS[k] === status) ?? 'validation_error';
    return new DjustException(kind, kind === 'validation_error' ? { non_field_errors: ['Bad request.'] } : {}, 'The request was refused before it reached the handler.');
  }
  return new DjustException('service_unavailable', {}, 'A service this request depends on is unavailable; try again later.', { 'Retry-After': '1' });
}

/** Decodes a URL path segment; `undefined` when its percent-escapes are malformed. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Headers every djust API response carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

/** Every header of a djust JSON response, for the common case of no extra headers. */
export const JSON_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...BASE_HEADERS,
  'content-type': 'application/json; charset=utf-8',
});

/** The headers of one response: the shared frozen set, or a merge when the outcome adds some. */
export function responseHeaders(extra: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  return extra ? { ...JSON_RESPONSE_HEADERS, ...extra } : JSON_RESPONSE_HEADERS;
}
