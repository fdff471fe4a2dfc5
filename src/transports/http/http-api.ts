import { Inject, Injectable, Logger } from '@nestjs/common';
import { Authenticator } from '../../auth/authenticator.js';
import { getOrCreateCsrfToken } from '../../auth/csrf.js';
import { authClassRequiresCsrf } from '../../auth/csrf-policy.js';
import { SessionAuth } from '../../auth/session-auth.js';
import { DjustDispatcher } from '../../core/djust-dispatcher.service.js';
import type { ResolvedDjustOptions } from '../../core/resolved-options.js';
import { DJUST_RESOLVED_OPTIONS } from '../../djust.internal-constants.js';
import type { ViewRecord } from '../../discovery/view-record.interface.js';
import { ViewRegistry } from '../../discovery/view-registry.js';
import { DjustOpenApiService } from '../../openapi/openapi.service.js';
import type { DjustException } from '../../protocol/djust.exception.js';
import { resolveRequestId } from '../../protocol/request-id.js';
import { notFound, unauthenticated } from '../../protocol/wire-errors.js';
import { encodeError, encodeJson, encodeOutcome, type HttpAnswer } from './http-encoder.js';
import { httpContext, type HttpRequestView } from './http-request.js';

/**
 * The HTTP transport, adapter-neutral: it decodes a request into a call for
 * the core and encodes the outcome. The express and fastify adapters only
 * read the request and write the answer.
 */
@Injectable()
export class HttpApi {
  private readonly logger = new Logger('Djust');
  /** A pseudo-view holding the module's default auth classes (for the OpenAPI document when not public). */
  private readonly moduleAuth: ViewRecord;
  /** A pseudo-view holding every auth class in use that requires CSRF (for `GET /csrf`), per registry version. */
  private csrfAuth: { version: number; view: ViewRecord } | undefined;
  private sessionHintLogged = false;

  constructor(
    private readonly dispatcher: DjustDispatcher,
    private readonly authenticator: Authenticator,
    private readonly openApi: DjustOpenApiService,
    private readonly registry: ViewRegistry,
    @Inject(DJUST_RESOLVED_OPTIONS) readonly options: ResolvedDjustOptions,
  ) {
    this.moduleAuth = { authClasses: options.authClasses, csrfExempt: true } as Partial<ViewRecord> as ViewRecord;
  }

  /** `POST /<prefix>/api/<slug>/<handler>/` with the decoded body (or its decoding error). */
  async call(req: HttpRequestView, slug: unknown, handler: unknown, body: unknown, bodyError?: DjustException): Promise<HttpAnswer> {
    const requestId = resolveRequestId(req.headers['x-request-id']);
    if (req.session === undefined) this.hintSessionMiddleware();
    const caller = httpContext(req);
    const { traceparent, 'idempotency-key': idempotencyKey } = req.headers;
    const outcome = await this.dispatcher.dispatch({ kind: 'call', view: slug, handler, params: body, paramsError: bodyError, caller, requestId, traceparent, idempotencyKey });
    return encodeOutcome(outcome, requestId);
  }

  /** An answer the adapter gives before any call (405, 413, 415, 404, 503), with the request's id. */
  refuse(req: Pick<HttpRequestView, 'headers'>, error: DjustException, allow?: string): HttpAnswer {
    const answer = encodeError(error, resolveRequestId(req.headers['x-request-id']));
    return allow ? { ...answer, headers: { ...answer.headers, allow } } : answer;
  }

  /**
   * `GET /<prefix>/api/csrf`: the session's CSRF token, for a caller whom an
   * auth class that requires CSRF accepts (a logged-in session: the only
   * callers a token is any use to). Anyone else gets 401 and the session is
   * left untouched, so the session middleware stores nothing for an anonymous
   * caller (`saveUninitialized: false` then sets no cookie). 404 without a
   * session middleware.
   */
  async csrf(req: HttpRequestView): Promise<HttpAnswer> {
    const requestId = resolveRequestId(req.headers['x-request-id']);
    if (!req.session) {
      this.hintSessionMiddleware();
      return encodeError(notFound(), requestId);
    }
    const auth = await this.authenticator.authenticate(this.csrfAuthView(), httpContext(req));
    if (auth.user === null || auth.user === undefined) return encodeError(unauthenticated(), requestId);
    return encodeJson(200, JSON.stringify({ csrfToken: getOrCreateCsrfToken(req.session) }), requestId);
  }

  /** `GET /<prefix>/api/openapi.json`: public by default; else only for an authenticated caller (404 otherwise). */
  async openapi(req: HttpRequestView): Promise<HttpAnswer> {
    const requestId = resolveRequestId(req.headers['x-request-id']);
    if (!this.options.openapi.public) {
      const auth = await this.authenticator.authenticate(this.moduleAuth, httpContext(req));
      if (auth.user === null || auth.user === undefined) return encodeError(notFound(), requestId);
    }
    const etag = this.openApi.getEtag();
    const cache = { etag, 'cache-control': this.options.openapi.public ? 'no-cache' : 'private, no-cache' };
    if (req.headers['if-none-match'] === etag) return encodeJson(304, '', requestId, cache);
    return encodeJson(200, this.openApi.getDocumentJson(), requestId, cache);
  }

  /**
   * `SessionAuth` reads the session the app's session middleware puts on the
   * request; without one every session call is 401. Said once, at the first
   * request that shows it, when a view relies on `SessionAuth`.
   */
  private hintSessionMiddleware(): void {
    if (this.sessionHintLogged) return;
    this.sessionHintLogged = true;
    if (!this.usesSessionAuth()) return;
    this.logger.warn(
      'SessionAuth is in use but this request carries no session: register a session middleware before the djust routes ' +
        '(express-session with app.use(session(...)), or @fastify/cookie + @fastify/session), or give token clients an auth class ' +
        '(DjustModule.forRoot({ authClasses: [...] }) or @LiveView({ authClasses })). Without one every session call answers 401 and GET /' +
        `${this.options.prefix}/api/csrf answers 404.`,
    );
  }

  private csrfAuthView(): ViewRecord {
    const version = this.registry.version;
    if (this.csrfAuth?.version !== version) {
      const classes = new Set([...this.options.authClasses, ...this.registry.views.flatMap((v) => v.authClasses)].filter(authClassRequiresCsrf));
      this.csrfAuth = { version, view: { authClasses: [...classes], csrfExempt: true } as Partial<ViewRecord> as ViewRecord };
    }
    return this.csrfAuth.view;
  }

  private usesSessionAuth(): boolean {
    const uses = (classes: readonly unknown[]) => classes.some((c) => c === SessionAuth || (typeof c === 'function' && c.prototype instanceof SessionAuth));
    return uses(this.options.authClasses) || this.registry.views.some((v) => uses(v.authClasses));
  }
}
