import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import { CSRF_OPERATION_ID, csrfTokenOperation, csrfTokenPath } from './csrf-operation.builder.js';
import { compareStrings, orderOperationKeys, sortKeys } from './document-order.util.js';
import { DtoSchemaFactory } from './dto-schema.factory.js';
import { envelopeComponentNames, envelopeResponses, envelopeSchemas } from './envelope-schemas.js';
import { idempotencyKeyParameter, requestIdParameter } from './http-headers.schemas.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../protocol/wire-errors.js';
import { operationIdFor, operationPath, uniqueOperationId } from './operation-naming.util.js';
import { operationResponses } from './operation-responses.builder.js';
import { csrfAuthClasses, csrfParameter, operationSecurity } from './operation-security.builder.js';
import type { OpenApiWarning } from './openapi-warning.js';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiPathItem } from './openapi.types.js';
import { requestBodyObject, requestBodySchema } from './request-body.builder.js';
import { SecuritySchemeResolver } from './security-scheme.resolver.js';

export { operationIdFor, operationPath } from './operation-naming.util.js';
export { CSRF_HEADER } from './operation-security.builder.js';

/** Options of {@link createOpenApiDocument}. */
export interface CreateOpenApiDocumentOptions {
  /** The module prefix: operations live under `/<prefix>/api/`. */
  prefix: string;
  /** `info.title`. Default `'nestjs-djust API'`. */
  title?: string;
  /** `info.version`. Default `'1.0.0'`. */
  version?: string;
  /** `info.description`. */
  description?: string;
  /** The module's handler timeout in ms: when > 0, operations document the 504 `handler_timeout` answer. */
  handlerTimeout?: number;
}

/** The generated document and what could not be described exactly. */
export interface OpenApiGenerationResult {
  document: OpenApiDocument;
  warnings: OpenApiWarning[];
}

/** One exposed handler with its view and path. */
interface ExposedHandler {
  readonly view: ViewRecord;
  readonly handler: HandlerRecord;
  readonly path: string;
}

/** What every operation of one document shares while it is built. */
interface DocumentBuild {
  readonly options: CreateOpenApiDocumentOptions;
  readonly dtos: DtoSchemaFactory;
  readonly security: SecuritySchemeResolver;
  readonly warnings: OpenApiWarning[];
  readonly usedResponses: Set<string>;
  readonly usedIds: Set<string>;
  /** Security schemes of the auth classes that need CSRF, in first-use order. */
  readonly csrfSchemes: Set<string>;
}

/**
 * Builds the OpenAPI 3.1.0 document of the views' `exposeApi` handlers. Pure:
 * reads only the records (and the DTO classes' decorator metadata).
 *
 * - One `post` per exposed handler at `/<prefix>/api/<slug>/<handler>/`, tagged
 *   with the view's slug; `operationId` per {@link operationIdFor}.
 * - `requestBody`: the DTO's component schema (`required` when the DTO has a
 *   required property), as `application/json` and `application/*+json`; a
 *   parameterless handler takes an optional object (anything else is a 400).
 * - `responses`: `200` and `2XX` (an `apiResponse({ status })` may pick another
 *   2xx) with the `{ result, assigns }` envelope; `400/401/403/404/409/413/415/422/429/500/503`
 *   always, each error with its own typed `details`; `504` only when
 *   `handlerTimeout > 0`. Every response declares `X-Request-Id`, and
 *   `Idempotency-Replayed` where a replay can answer; 429 and 503
 *   `Retry-After`; every response of a rate-limited handler the `RateLimit-*`
 *   headers. (A handler or guard that throws a Nest `HttpException` of another
 *   status gets that status's error envelope undocumented.)
 * - `parameters`: the optional `X-Request-Id` and `Idempotency-Key` headers; the `X-CSRF-Token`
 *   header when an auth class needs CSRF (the authenticator's own rule,
 *   `authClassRequiresCsrf`: `static csrf = true` like `SessionAuth`, or any
 *   non-Passport class not `csrfExempt`) and the view is not exempt —
 *   `required` only when every auth class needs it. Then
 *   `GET /<prefix>/api/csrf` is documented too.
 * - `security`: one alternative per auth class, in order (any one suffices).
 * - Paths, tags and components are sorted by key.
 */
export function createOpenApiDocument(views: readonly ViewRecord[], options: CreateOpenApiDocumentOptions): OpenApiGenerationResult {
  const build: DocumentBuild = {
    options,
    dtos: new DtoSchemaFactory({ reservedNames: envelopeComponentNames() }),
    security: new SecuritySchemeResolver(),
    warnings: [],
    usedResponses: new Set(),
    usedIds: new Set(),
    csrfSchemes: new Set(),
  };
  const { entries, tags } = exposedHandlers(views, options.prefix);
  const paths: Record<string, OpenApiPathItem> = {};
  for (const entry of entries) paths[entry.path] = { post: buildOperation(entry, build) };
  if (build.csrfSchemes.size > 0) {
    const operationId = uniqueOperationId(CSRF_OPERATION_ID, build.usedIds);
    paths[csrfTokenPath(options.prefix)] = { get: orderOperationKeys(csrfTokenOperation(operationId, [...build.csrfSchemes], build.usedResponses)) };
  }
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'nestjs-djust API',
      version: options.version ?? '1.0.0',
      ...(options.description ? { description: options.description } : {}),
    },
    tags,
    paths: sortKeys(paths),
    components: buildComponents(build),
  };
  return { document, warnings: [...build.dtos.warnings, ...build.security.warnings, ...build.warnings] };
}

/** The exposed handlers in path order, and one tag per view that has some (views by slug). */
function exposedHandlers(views: readonly ViewRecord[], prefix: string): { entries: ExposedHandler[]; tags: { name: string; description?: string }[] } {
  const tags: { name: string; description?: string }[] = [];
  const entries: ExposedHandler[] = [];
  for (const view of [...views].sort((a, b) => compareStrings(a.slug, b.slug))) {
    const exposed = [...view.handlers.values()].filter((h) => h.options.exposeApi);
    if (exposed.length === 0) continue;
    tags.push({ name: view.slug, description: `LiveView ${view.viewClass.name}` });
    for (const handler of exposed) entries.push({ view, handler, path: operationPath(prefix, view.slug, handler.name) });
  }
  entries.sort((a, b) => compareStrings(a.path, b.path));
  return { entries, tags };
}

/** The `post` operation of one exposed handler. */
function buildOperation({ view, handler }: ExposedHandler, build: DocumentBuild): OpenApiOperation {
  const where = `${view.slug}.${handler.name}`;
  const warn = (reason: string) => build.warnings.push({ operation: where, reason });
  const operation: OpenApiOperation = {
    operationId: uniqueOperationId(operationIdFor(view.slug, handler.name), build.usedIds),
    tags: [view.slug],
    responses: {},
  };
  if (handler.options.summary) operation.summary = handler.options.summary;
  if (handler.options.description) operation.description = handler.options.description;
  if (handler.options.deprecated) operation.deprecated = true;
  const security = operationSecurity(view, build.security);
  if (security) operation.security = security;
  else warn('the view has no auth classes: every HTTP call answers 401');
  operation.parameters = operationParameters(view, build);
  operation.requestBody = requestBodyObject(requestBodySchema(handler, build.dtos, warn));
  operation.responses = operationResponses(handler, build.options.handlerTimeout ?? 0, build.usedResponses);
  addExtensions(operation, view, handler);
  return orderOperationKeys(operation);
}

/** The header parameters: the CSRF token when the view needs it (noting its session schemes), the optional request id and idempotency key. */
function operationParameters(view: ViewRecord, build: DocumentBuild): Record<string, unknown>[] {
  const optional = [requestIdParameter(), idempotencyKeyParameter(MAX_IDEMPOTENCY_KEY_LENGTH)];
  const csrf = csrfParameter(view, build.options.prefix);
  if (!csrf) return optional;
  for (const authClass of csrfAuthClasses(view)) build.csrfSchemes.add(build.security.resolve(authClass));
  return [csrf, ...optional];
}

/** The `x-djust-*` extensions: login, permissions and rate limit of the operation. */
function addExtensions(operation: OpenApiOperation, view: ViewRecord, handler: HandlerRecord): void {
  const permissions = [...view.permissions, ...handler.permissions];
  if (view.loginRequired) operation['x-djust-login-required'] = true;
  if (permissions.length) operation['x-djust-permissions'] = permissions;
  if (handler.rateLimit) operation['x-djust-rate-limit'] = { limit: handler.rateLimit.limit, ttl: handler.rateLimit.ttl };
}

/** `components`: the DTO schemas, and the envelope responses (with their schemas) the operations use. */
function buildComponents(build: DocumentBuild): OpenApiDocument['components'] {
  const allSchemas = envelopeSchemas();
  const allResponses = envelopeResponses();
  const schemas: Record<string, JsonSchema> = Object.fromEntries(build.dtos.schemas);
  const responses: Record<string, Record<string, unknown>> = {};
  for (const name of build.usedResponses) {
    const { schema, response } = allResponses[name];
    responses[name] = response;
    schemas[schema] = allSchemas[schema];
  }
  return {
    schemas: sortKeys(schemas),
    responses: sortKeys(responses),
    securitySchemes: sortKeys(Object.fromEntries(build.security.schemes)),
  };
}
