import type { CallContext } from '../../protocol/call-context.js';
import { DjustException } from '../../protocol/djust.exception.js';
import { kindOfStatus } from '../../protocol/error-kinds.js';
import { dependencyUnavailable, malformedJson, notFound, validationError } from '../../protocol/wire-errors.js';

/** What the express and fastify adapters read off a request, the same for both. */
export interface HttpRequestView {
  /** The framework's request object (express `Request` / fastify `FastifyRequest`). */
  readonly request: any;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client IP as the framework computed it (`trust proxy` honoured). */
  readonly ip: string | undefined;
  readonly session: Record<string, any> | undefined;
}

/** The call context of an HTTP (or MCP) request. */
export function httpContext(req: HttpRequestView, transport: 'http' | 'mcp' = 'http'): CallContext {
  return { transport, request: req.request, headers: req.headers, ip: req.ip, session: req.session, httpRequest: req.request };
}

/** True for `application/json` and `application/*+json`, with any parameters. */
export function isJsonMediaType(contentType: string | string[] | undefined): boolean {
  if (contentType === 'application/json') return true;
  if (typeof contentType !== 'string') return false;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** A decoded body: the JSON value (`undefined` when empty), or the 400 to raise at the validation step. */
export interface DecodedBody {
  readonly body: unknown;
  readonly error?: DjustException;
}

/**
 * Parses a raw body: `undefined` for an empty one, else any JSON value — a
 * scalar (`"x"`, `1`, `null`) is well-formed JSON and is left for the core to
 * answer "Expected a JSON object."; text that is not JSON is "Malformed JSON.".
 * The error is returned, not thrown, so the core raises it after the auth checks.
 */
export function parseJsonBody(text: string): DecodedBody {
  if (text.length === 0 || /^\s*$/.test(text)) return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { body: undefined, error: malformedJson() };
  }
}

/** Whether a body decoding gave a refusal (413, 415) rather than a body. */
export function isRefusal(value: DecodedBody | DjustException): value is DjustException {
  return value instanceof DjustException;
}

/** Decodes a URL path segment; `undefined` when its percent-escapes are malformed. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The answer when something outside djust failed on a djust path before the
 * route answered: another middleware or hook of the app (a session store that
 * is down, a proxy check) or the framework. A 4xx status the error carries
 * keeps its kind (an unknown 4xx becomes 400); anything else is 503
 * `service_unavailable`: no handler ran, and retrying later may work. The
 * error's own message is never sent (the adapter logs it).
 */
export function upstreamFailure(err: unknown): DjustException {
  const source = err as { status?: unknown; statusCode?: unknown } | null | undefined;
  const raw = source?.status ?? source?.statusCode;
  const status = typeof raw === 'number' ? raw : Number.NaN;
  if (status >= 400 && status < 500) {
    if (status === 404) return notFound();
    const kind = kindOfStatus(status);
    if (!kind || kind === 'validation_error') return validationError({ non_field_errors: ['Bad request.'] });
    return new DjustException(kind, {}, 'The request was refused before it reached the handler.');
  }
  return dependencyUnavailable();
}
