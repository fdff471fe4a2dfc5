import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token primitives, kept in one small module so they can be swapped
 * for a library (csrf-sync / csrf-csrf) without touching the checks around them.
 */

/** Longest header value worth comparing; anything longer is a mismatch outright. */
const MAX_TOKEN_LENGTH = 256;

/** A fresh token: 32 random bytes, base64url (43 characters). */
export function generateCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison of a submitted token with the stored one. Both are
 * hashed first, so the comparison takes the same time whatever their lengths
 * and wherever they differ.
 */
export function csrfTokensMatch(submitted: string, stored: string): boolean {
  if (submitted.length === 0 || stored.length === 0 || submitted.length > MAX_TOKEN_LENGTH) return false;
  const a = createHash('sha256').update(submitted, 'utf8').digest();
  const b = createHash('sha256').update(stored, 'utf8').digest();
  return timingSafeEqual(a, b);
}
