/** The user fields tried, in order, for a caller's identity. */
const USER_ID_FIELDS = ['id', 'userId', 'sub', 'username'] as const;

/**
 * The rate-limit identity of a caller: `user:<id>` for an authenticated user (the
 * first of `id`, `userId`, `sub`, `username` that is a non-empty string or a finite
 * number), else `ip:<ip>` (IPv4-mapped IPv6 addresses are unwrapped, so
 * `::ffff:10.0.0.1` and `10.0.0.1` share a bucket), else `anon`.
 */
export function callerKey(user: unknown, ip: string | undefined): string {
  const id = userId(user);
  if (id !== undefined) return `user:${id}`;
  if (typeof ip === 'string' && ip !== '') {
    return `ip:${ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip}`;
  }
  return 'anon';
}

/**
 * A user's identity as a string: the first of `id`, `userId`, `sub`,
 * `username` that is a non-empty string or a finite number; `undefined` for
 * an anonymous caller or a user without one.
 */
export function userId(user: unknown): string | undefined {
  if (user === null || typeof user !== 'object') return undefined;
  const record = user as Record<string, unknown>;
  for (const field of USER_ID_FIELDS) {
    const id = record[field];
    if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))) return String(id);
  }
  return undefined;
}
