import { randomUUID } from 'node:crypto';

/** What a caller's own request id may look like: 1–128 characters of `[A-Za-z0-9._-]`. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request id of a call: the caller's own (`X-Request-Id`) when it is safe
 * to echo and log — 1–128 characters of `[A-Za-z0-9._-]` — else a new UUID.
 */
export function resolveRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
