import { callerKey } from '../../rate-limit/caller-key.util.js';

/** The part of express-session's and @fastify/session's session object the watch uses. */
interface ReloadableSession {
  reload(callback: (err?: unknown) => void): unknown;
  get?(key: string): unknown;
  cookie?: { expires?: unknown };
  [key: string]: unknown;
}

/**
 * Re-checks, before each `mount` and `event`, that the session a socket was
 * authenticated with at connect time still exists and still belongs to the
 * same user. Over HTTP the session store is read on every request; over WS
 * the session is loaded once, on the handshake, so without this a socket
 * would outlive a logout or an expiry.
 *
 * Applies when the handshake request carries a session with `reload(cb)`
 * (express-session, @fastify/session) holding a user: Passport's
 * `session.passport.user` or an app's own `session.user`. Each check reloads
 * the session from its store (one store read, like an HTTP request; concurrent
 * checks share it) and compares the user's identity. A missing session, a
 * store error, an expired cookie or another identity ends it for good.
 */
export class SessionWatch {
  private ended = false;
  private inflight: Promise<boolean> | undefined;

  private constructor(
    private readonly request: { session?: unknown },
    private readonly identity: string,
    private readonly now: () => number,
  ) {}

  /** A watch for the handshake request, or `undefined` when it has no reloadable session with a user. */
  static of(request: { session?: unknown } | undefined, now: () => number): SessionWatch | undefined {
    const session = request?.session;
    if (!isReloadable(session)) return undefined;
    const identity = sessionIdentity(session);
    return identity === undefined ? undefined : new SessionWatch(request!, identity, now);
  }

  /** Resolves `true` while the session is alive with the same user. Never rejects. */
  check(): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    return (this.inflight ??= this.reload().then((alive) => {
      this.inflight = undefined;
      if (!alive) this.ended = true;
      return alive;
    }));
  }

  private reload(): Promise<boolean> {
    const session = this.request.session;
    if (!isReloadable(session) || expired(session, this.now())) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      try {
        session.reload((err) => {
          const current = this.request.session;
          resolve(!err && isReloadable(current) && !expired(current, this.now()) && sessionIdentity(current) === this.identity);
        });
      } catch {
        resolve(false);
      }
    });
  }
}

function isReloadable(session: unknown): session is ReloadableSession {
  return session !== null && typeof session === 'object' && typeof (session as ReloadableSession).reload === 'function';
}

function read(session: ReloadableSession, key: string): unknown {
  return typeof session.get === 'function' ? (session.get(key) ?? session[key]) : session[key];
}

/** The session's user identity: Passport's serialized user, else the app's `session.user` id; `undefined` when anonymous. */
function sessionIdentity(session: ReloadableSession): string | undefined {
  const passport = read(session, 'passport') as { user?: unknown } | undefined;
  if (passport?.user != null) return `passport:${stable(passport.user)}`;
  const user = read(session, 'user');
  if (user == null || user === false) return undefined;
  const key = callerKey(user, undefined);
  return key === 'anon' ? `user:${stable(user)}` : key;
}

function stable(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return '[unserializable]';
  }
}

function expired(session: ReloadableSession, now: number): boolean {
  const expires = session.cookie?.expires;
  const at = expires instanceof Date ? expires.getTime() : typeof expires === 'string' || typeof expires === 'number' ? new Date(expires).getTime() : NaN;
  return Number.isFinite(at) && at <= now;
}
