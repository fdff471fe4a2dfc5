import type { Type } from '@nestjs/common';

/**
 * The auth-class contract. `authenticate` receives the transport's request
 * (the express/fastify request over HTTP, `socket.request` over WS, where
 * `handshake.auth.token` has been copied into `Authorization: Bearer <token>`)
 * and returns the user, or `null`/`undefined` to let the next class try.
 *
 * An auth class may be an injectable provider (so it can inject a repository),
 * and may declare `static csrfExempt = true` to turn CSRF off when it wins.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class TokenAuth implements DjustAuth {
 *   static csrfExempt = true;
 *   constructor(private readonly users: UserRepository) {}
 *   authenticate(req: { headers: Record<string, string | undefined> }) {
 *     const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
 *     return token ? this.users.findByToken(token) : null;
 *   }
 * }
 * ```
 */
export interface DjustAuth {
  authenticate(request: any): unknown | null | Promise<unknown | null>;
}

/** How an auth class describes itself in the OpenAPI document (optional static member `openapi`). */
export interface DjustAuthSecurityScheme {
  /** Name of the scheme in `components.securitySchemes`. */
  name: string;
  /** The OpenAPI security scheme object. */
  scheme: Record<string, unknown>;
}

/**
 * A class usable in `authClasses`: a `DjustAuth` implementation, or a strategy
 * class made with `PassportStrategy(Strategy, name)` from `@nestjs/passport`.
 */
export type DjustAuthClass = Type<any> & {
  /** `true`: CSRF is never required when this class wins. */
  csrfExempt?: boolean;
  /** `true`: this class authenticates from cookies and requires the CSRF header (as `SessionAuth` does). */
  csrf?: boolean;
  openapi?: DjustAuthSecurityScheme;
};
