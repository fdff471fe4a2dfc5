import session from 'express-session';

/** The error a failing store reports: it carries a secret that must never reach a client. */
export const STORE_ERROR_MESSAGE = 'connect ECONNREFUSED redis://default:hunter2@10.0.0.5:6379';

/**
 * A session store (express-session `Store`, also usable by `@fastify/session`,
 * which only calls `get`/`set`/`destroy`) whose reads and writes can be made
 * to fail, as a Redis or database store does when its server goes away.
 * Sessions are kept as JSON, like express-session's MemoryStore.
 */
export class FlakySessionStore extends session.Store {
  /** `true`: every `get`/`set`/`destroy` fails with {@link STORE_ERROR_MESSAGE}. */
  failing = false;
  /** How many calls failed. */
  failures = 0;
  private readonly data = new Map<string, string>();

  override get(sid: string, callback: (err: any, session?: session.SessionData | null) => void): void {
    if (this.fail(callback)) return;
    const raw = this.data.get(sid);
    callback(null, raw === undefined ? null : JSON.parse(raw));
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: any) => void): void {
    if (this.fail(callback)) return;
    this.data.set(sid, JSON.stringify(sess));
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: any) => void): void {
    if (this.fail(callback)) return;
    this.data.delete(sid);
    callback?.();
  }

  /** Number of stored sessions. */
  get size(): number {
    return this.data.size;
  }

  /** Edits every stored session (e.g. to log a user in without a login route). */
  patchAll(edit: (sess: Record<string, any>) => void): void {
    for (const [sid, raw] of this.data) {
      const sess = JSON.parse(raw) as Record<string, any>;
      edit(sess);
      this.data.set(sid, JSON.stringify(sess));
    }
  }

  private fail(callback: ((err: any) => void) | undefined): boolean {
    if (!this.failing) return false;
    this.failures++;
    setImmediate(() => callback?.(new Error(STORE_ERROR_MESSAGE)));
    return true;
  }
}

/** The `name=value` pairs of a response's `Set-Cookie` headers, as one `Cookie` header. */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.map((c) => c.split(';', 1)[0]).join('; ');
}
