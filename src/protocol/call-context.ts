/** The transports a call can come from. */
export type DjustTransport = 'http' | 'ws' | 'mcp';

/**
 * What a transport tells the dispatch core about the caller. Built by the HTTP
 * and MCP transports per request and by the WS transport per connection; the
 * core and the auth classes read it, never the transport's own objects.
 */
export interface CallContext {
  readonly transport: DjustTransport;
  /**
   * What auth classes receive: the express/fastify request over HTTP and MCP;
   * over WS the socket's handshake request (`socket.request`), where
   * `handshake.auth.token` has been copied into `headers.authorization` as
   * `Bearer <token>`.
   */
  readonly request: any;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Client IP as the framework computed it (so `trust proxy` is honoured). */
  readonly ip: string | undefined;
  /** The session object, when a session middleware ran (express-session, @fastify/session, secure-session). */
  readonly session: Record<string, any> | undefined;
  /** The request exposed to views as `this.httpRequest` (HTTP and MCP); `undefined` over WS. */
  readonly httpRequest: unknown;
  /** The socket.io socket over WS (for guards' `switchToWs()`); `undefined` otherwise. */
  readonly socket?: unknown;
}

/** The outcome of authentication. */
export interface AuthResult {
  /** The user, or `null` when no auth class accepted the caller (anonymous). */
  readonly user: unknown;
  /** True when the winning auth class (or the view) turns CSRF off. */
  readonly csrfExempt: boolean;
}
