import * as crypto from 'node:crypto';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../protocol/wire-errors.js';

/** Who may replay an answer: the same caller, on the same handler of the same view, with the same key. */
export interface IdempotencyScope {
  /** The caller's identity (`callerKey()`: the user's id, else the client IP). */
  readonly caller: string;
  readonly view: string;
  readonly handler: string;
  /** The key the caller sent. */
  readonly key: string;
}

/** Whether a decoded key is usable: a string of 1–128 characters. */
export function isValidIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_IDEMPOTENCY_KEY_LENGTH;
}

/**
 * The store key of a scope: a SHA-256 of its parts, base64url (43 characters)
 * — short and opaque whatever the caller sent, and no two scopes share it.
 */
export function scopeKey(scope: IdempotencyScope): string {
  return sha256(JSON.stringify([scope.caller, scope.view, scope.handler, scope.key]));
}

/**
 * The fingerprint of a call's params: a SHA-256 of their canonical JSON (keys
 * sorted at every level), so the same object sent with its keys in another
 * order is the same call. Absent params count as `{}` (an empty body and `{}`
 * are one call). `params` is the defensive copy: plain JSON, depth-bounded.
 */
export function paramsFingerprint(params: unknown): string {
  return sha256(canonicalJson(params ?? {}));
}

/** One-shot `crypto.hash` where Node has it (20.12+, about twice as fast), else `createHash`. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;
function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'base64url') : crypto.createHash('sha256').update(text).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
}
