/**
 * What the transport tells the pipeline about the caller. Built by the HTTP
 * bindings (per request) and the gateway (per connection); the pipeline and
 * the auth classes read it, never the transport's own objects directly.
 */
export interface CallContext {
  readonly transport: 'http' | 'ws';
  /**
   * What auth classes receive: the express/fastify request over HTTP; over WS the
   * socket's handshake request (`socket.request`), where `handshake.auth.token`
   * has been copied into `headers.authorization` as `Bearer <token>`.
   */
  readonly request: any;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Client IP as the framework computed it (so `trust proxy` is honoured). */
  readonly ip: string | undefined;
  /** The session object, when a session middleware ran (express-session, @fastify/session, secure-session). */
  readonly session: Record<string, any> | undefined;
  /** The request exposed to views as `this.httpRequest`; `undefined` over WS. */
  readonly httpRequest: unknown;
  /** The socket.io socket over WS (for guards' `switchToWs()`); `undefined` over HTTP. */
  readonly socket?: unknown;
}

/** The outcome of authentication. */
export interface AuthResult {
  /** The user, or `null` when no auth class accepted the caller (anonymous). */
  readonly user: unknown;
  /** True when the winning auth class (or the view) turns CSRF off. */
  readonly csrfExempt: boolean;
}
