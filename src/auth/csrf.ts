import type { CallContext } from '../protocol/call-context.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import { csrfFailed } from '../protocol/wire-errors.js';
import { csrfTokensMatch, generateCsrfToken } from './csrf-token.util.js';

/** Session key under which the CSRF synchronizer token is stored. */
export const CSRF_SESSION_KEY = 'djustCsrfToken';

/** Request headers that may carry the token (lower-cased), in order of preference. */
export const CSRF_HEADER_NAMES = ['x-csrf-token', 'x-csrftoken'] as const;

/** Reasons given in `details.csrf` of the 403. */
export const CSRF_REASONS = {
  missingHeader: 'CSRF token missing: send it in the X-CSRF-Token header.',
  noSessionToken: 'No CSRF token for this session: fetch one from the /api/csrf endpoint after logging in.',
  mismatch: 'CSRF token incorrect.',
} as const;

/**
 * The session's CSRF token, created (32 random bytes, base64url) and stored at
 * `session.djustCsrfToken` on first use. Works with express-session and
 * `@fastify/session` (plain properties) and `@fastify/secure-session` (`get`/`set`).
 * The token lives as long as the session: regenerating the session at login
 * (Passport does) drops it.
 *
 * @throws DjustConfigurationError when there is no session (no session middleware ran).
 */
export function getOrCreateCsrfToken(session: Record<string, any> | undefined | null): string {
  if (session == null || typeof session !== 'object') {
    throw new DjustConfigurationError(
      'the CSRF token needs a session, but the request has none. Register a session middleware ' +
        '(express-session, @fastify/session or @fastify/secure-session) before the djust routes.',
    );
  }
  const existing = readSessionToken(session);
  if (existing !== undefined) return existing;
  const token = generateCsrfToken();
  if (typeof session.set === 'function' && typeof session.get === 'function') session.set(CSRF_SESSION_KEY, token);
  else session[CSRF_SESSION_KEY] = token;
  return token;
}

/**
 * Checks the CSRF header of an HTTP or MCP call against the session's token and
 * throws a 403 `permission_denied` with a reason in `details.csrf` when it is
 * missing, when the session holds no token (no session, a destroyed or a fresh
 * one), or when they differ (a forged token, one from another session).
 * The comparison is constant-time.
 *
 * Over WS it does nothing: browsers cannot set headers on the handshake, and
 * cookie-authenticated sockets are protected by the gateway's Origin check.
 * Call it only when `AuthResult.csrfExempt` is false.
 */
export function verifyCsrf(ctx: CallContext): void {
  if (ctx.transport === 'ws') return;
  const submitted = readHeaderToken(ctx.headers);
  if (submitted === undefined) throw csrfFailed(CSRF_REASONS.missingHeader);
  const stored = ctx.session == null || typeof ctx.session !== 'object' ? undefined : readSessionToken(ctx.session);
  if (stored === undefined) throw csrfFailed(CSRF_REASONS.noSessionToken);
  if (!csrfTokensMatch(submitted, stored)) throw csrfFailed(CSRF_REASONS.mismatch);
}

/** The submitted token, or `undefined` when no header carries a non-empty one. A repeated header is a mismatch (`''`). */
function readHeaderToken(headers: CallContext['headers']): string | undefined {
  for (const name of CSRF_HEADER_NAMES) {
    const value = headers[name];
    if (Array.isArray(value)) return '';
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/** The stored token, or `undefined` when the session has none. */
function readSessionToken(session: Record<string, any>): string | undefined {
  const value = typeof session.get === 'function' ? (session.get(CSRF_SESSION_KEY) ?? session[CSRF_SESSION_KEY]) : session[CSRF_SESSION_KEY];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
