import { Inject, Injectable } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator.js';
import { getOrCreateCsrfToken } from '../auth/csrf.js';
import { DjustPipeline, type CallOutcome } from '../core/djust-pipeline.service.js';
import type { ResolvedDjustOptions } from '../core/resolved-options.js';
import { DJUST_RESOLVED_OPTIONS } from '../djust.internal-constants.js';
import type { ViewRecord } from '../discovery/view-record.interface.js';
import { DjustException, notFound } from '../errors/djust.exception.js';
import { DjustOpenApiService } from '../openapi/openapi.service.js';
import { httpContext, type RawHttpRequest } from './http-request.js';

/**
 * The adapter-neutral half of the HTTP transport: it turns a request into a
 * pipeline call and a `CallOutcome`. The express and fastify bindings only
 * read the request and write the outcome.
 */
@Injectable()
export class DjustHttpApi {
  /** A pseudo-view holding the module's default auth classes (for the OpenAPI document when not public). */
  private readonly moduleAuth: ViewRecord;

  constructor(
    private readonly pipeline: DjustPipeline,
    private readonly authenticator: Authenticator,
    private readonly openApi: DjustOpenApiService,
    @Inject(DJUST_RESOLVED_OPTIONS) readonly options: ResolvedDjustOptions,
  ) {
    this.moduleAuth = { authClasses: options.authClasses, csrfExempt: true } as unknown as ViewRecord;
  }

  /** `POST /<prefix>/api/<slug>/<handler>/`. */
  call(slug: string, handler: string, raw: RawHttpRequest, body: unknown, bodyError?: DjustException): Promise<CallOutcome> {
    return this.pipeline.http({ slug, handler, body, bodyError, ctx: httpContext(raw) });
  }

  /** `GET /<prefix>/api/csrf`: the session's CSRF token. 404 without a session middleware. */
  csrf(raw: RawHttpRequest): CallOutcome {
    if (!raw.session) return errorOutcome(notFound());
    return { status: 200, body: { csrfToken: getOrCreateCsrfToken(raw.session) } };
  }

  /** `GET /<prefix>/api/openapi.json`: public by default; else only for an authenticated caller (404 otherwise). */
  async openapi(raw: RawHttpRequest): Promise<CallOutcome> {
    if (!this.options.openapi.public) {
      const auth = await this.authenticator.authenticate(this.moduleAuth, httpContext(raw));
      if (auth.user === null || auth.user === undefined) return errorOutcome(notFound());
    }
    const json = this.openApi.getDocumentJson();
    const etag = this.openApi.getEtag();
    const cache = { etag, 'cache-control': this.options.openapi.public ? 'no-cache' : 'private, no-cache' };
    if (raw.headers['if-none-match'] === etag) return { status: 304, body: undefined, json: '', headers: cache };
    return { status: 200, body: undefined, json, headers: cache };
  }
}

/** An error as an outcome. */
export function errorOutcome(err: DjustException): CallOutcome {
  return { status: err.status, body: err.toBody(), headers: err.headers };
}
