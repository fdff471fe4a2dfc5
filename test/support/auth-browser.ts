import { request, type JsonResponse } from './app.js';

/**
 * A browser-like HTTP client for the auth e2e tests: it keeps the cookies the
 * server sets (name=value only; an expired or emptied cookie is dropped) and
 * sends them back, as a browser or `curl -b jar -c jar` would.
 */
export class SessionBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly prefix = 'djust',
  ) {}

  /** A second client holding a copy of this one's cookies (e.g. to replay an old session cookie). */
  clone(): SessionBrowser {
    const copy = new SessionBrowser(this.baseUrl, this.prefix);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  /** The `Cookie` header this client sends ('' when it holds none). */
  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Replaces a cookie's value (to forge or tamper with one). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** The names of the cookies held. */
  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  /** Any request, with the cookies; stores the cookies of the answer. */
  async fetch(path: string, init: RequestInit = {}): Promise<JsonResponse> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader);
    const res = await request(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
    this.store(res.headers.getSetCookie());
    return res;
  }

  /** POSTs JSON. */
  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
    return this.fetch(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  }

  /** Logs in through the test app's own login route. */
  async login(username: string, password = `${username}-pw`): Promise<JsonResponse> {
    return this.post('/login', { username, password });
  }

  /** Logs out through the test app's own logout route. */
  async logout(): Promise<JsonResponse> {
    return this.post('/logout', {});
  }

  /** `GET /<prefix>/api/csrf` → the token (asserts nothing; `undefined` when the answer has none). */
  async csrfToken(): Promise<string | undefined> {
    const res = await this.fetch(`/${this.prefix}/api/csrf`);
    return res.body?.csrfToken;
  }

  /** Calls a djust handler over HTTP. */
  call(view: string, handler: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<JsonResponse> {
    return this.post(`/${this.prefix}/api/${view}/${handler}/`, body, headers);
  }

  private store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key, val = ''] = a.split('=').map((s) => s.trim());
        if (/^max-age$/i.test(key)) return Number(val) <= 0;
        if (/^expires$/i.test(key)) return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** The `X-CSRF-Token` header. */
export const csrfHeader = (token: string): Record<string, string> => ({ 'x-csrf-token': token });
