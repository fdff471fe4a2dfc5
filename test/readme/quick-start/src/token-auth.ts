import type { DjustAuth } from 'nestjs-djust';

const USERS_BY_TOKEN = new Map([[process.env.API_TOKEN ?? 'dev-token', { id: 1, username: 'dev' }]]);

/** `Authorization: Bearer <token>` over HTTP; `auth: { token }` over socket.io. */
export class TokenAuth implements DjustAuth {
  static csrfExempt = true; // browsers never send this header on their own
  authenticate(req: { headers: Record<string, string | string[] | undefined> }) {
    const token = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    return (token && USERS_BY_TOKEN.get(token)) || null; // a user, or null → 401
  }
}
