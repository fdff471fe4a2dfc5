import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import { DtoSchemaFactory, SCHEMA_REF_PREFIX } from './dto-schema.factory.js';
import {
  envelopeComponentNames,
  envelopeResponses,
  envelopeSchemas,
  errorComponentName,
  SUCCESS_COMPONENT,
  SUCCESS_RATE_LIMITED_COMPONENT,
} from './envelope-schemas.js';
import type { OpenApiWarning } from './openapi-warning.js';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from './openapi.types.js';
import { authClassRequiresCsrf } from '../auth/csrf-policy.js';
import { SecuritySchemeResolver } from './security-scheme.resolver.js';

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

/** Name of the CSRF request header (the spec also accepts `X-CSRFToken`). */
export const CSRF_HEADER = 'X-CSRF-Token';

const RESPONSE_REF_PREFIX = '#/components/responses/';

/** Replaces every character outside `[A-Za-z0-9_]` with `_`. */
function identifier(value: string): string {
  return value.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The operationId rule: `<slug>_<handler>` with every character outside
 * `[A-Za-z0-9_]` replaced by `_` (`order-detail` + `update_status` →
 * `order_detail_update_status`). Should two operations sanitize to one id,
 * the later one (in path order) gets `_2`, `_3`...
 */
export function operationIdFor(slug: string, handler: string): string {
  return `${identifier(slug)}_${identifier(handler)}`;
}

/** Normalizes the prefix to `/<prefix>` (no trailing slash; `''` for an empty prefix). */
function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}

/** The HTTP path of a handler: `/<prefix>/api/<slug>/<handler>/`. */
export function operationPath(prefix: string, slug: string, handler: string): string {
  return `${normalizePrefix(prefix)}/api/${slug}/${handler}/`;
}

/** A copy of `record` with its keys sorted (stable output for snapshot diffs). */
function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Operation keys in a conventional reading order (the document is diffed as a snapshot). */
const OPERATION_KEY_ORDER = ['operationId', 'tags', 'summary', 'description', 'deprecated', 'parameters', 'requestBody', 'responses', 'security'];

function orderOperationKeys(operation: OpenApiOperation): OpenApiOperation {
  const rank = (key: string): number => {
    const i = OPERATION_KEY_ORDER.indexOf(key);
    return i === -1 ? OPERATION_KEY_ORDER.length : i;
  };
  return Object.fromEntries(Object.entries(operation).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))) as OpenApiOperation;
}

function responseRef(name: string): Record<string, string> {
  return { $ref: `${RESPONSE_REF_PREFIX}${name}` };
}

/**
 * Builds the OpenAPI 3.1.0 document of the views' `exposeApi` handlers. Pure:
 * reads only the records (and the DTO classes' decorator metadata).
 *
 * - One `post` per exposed handler at `/<prefix>/api/<slug>/<handler>/`, tagged
 *   with the view's slug; `operationId` per {@link operationIdFor}.
 * - `requestBody`: the DTO's component schema (`required` when the DTO has a
 *   required property); a parameterless handler takes an optional object.
 * - `responses`: `200` and `2XX` (an `apiResponse({ status })` may pick another
 *   2xx) with the `{ result, assigns }` envelope; `400/401/403/404/413/415/500`
 *   always; `429` (`Retry-After` required) and `503` (rate-limit storage down,
 *   fail-closed) plus `RateLimit-*` headers only when the handler has a rate
 *   limit; `504` only when `handlerTimeout > 0`. (A handler or guard that throws
 *   a Nest `HttpException` of another status gets that status's error envelope
 *   undocumented.)
 * - `security`: one alternative per auth class, in order (any one suffices);
 *   the `X-CSRF-Token` header parameter when an auth class needs CSRF (the
 *   authenticator's own rule, `authClassRequiresCsrf`: `static csrf = true`
 *   like `SessionAuth`, or any non-Passport class not `csrfExempt`) and the
 *   view is not exempt — `required` only when every auth class needs it.
 * - Paths, tags and components are sorted by key.
 */
export function createOpenApiDocument(views: readonly ViewRecord[], options: CreateOpenApiDocumentOptions): OpenApiGenerationResult {
  const dtos = new DtoSchemaFactory({ reservedNames: envelopeComponentNames() });
  const security = new SecuritySchemeResolver();
  const warnings: OpenApiWarning[] = [];
  const paths: Record<string, { post: OpenApiOperation }> = {};
  const tags: { name: string; description?: string }[] = [];
  const usedResponses = new Set<string>();
  const usedIds = new Set<string>();

  const sortedViews = [...views].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  const entries: { view: ViewRecord; handler: HandlerRecord; path: string }[] = [];
  for (const view of sortedViews) {
    const exposed = [...view.handlers.values()].filter((h) => h.options.exposeApi);
    if (exposed.length === 0) continue;
    tags.push({ name: view.slug, description: `LiveView ${view.viewClass.name}` });
    for (const handler of exposed) entries.push({ view, handler, path: operationPath(options.prefix, view.slug, handler.name) });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  for (const { view, handler, path } of entries) {
    const where = `${view.slug}.${handler.name}`;
    let operationId = operationIdFor(view.slug, handler.name);
    for (let i = 2; usedIds.has(operationId); i++) operationId = `${operationIdFor(view.slug, handler.name)}_${i}`;
    usedIds.add(operationId);

    const operation: OpenApiOperation = {
      operationId,
      tags: [view.slug],
      requestBody: {},
      responses: {},
    };
    if (handler.options.summary) operation.summary = handler.options.summary;
    if (handler.options.description) operation.description = handler.options.description;
    if (handler.options.deprecated) operation.deprecated = true;

    // Auth: one alternative per class, and the CSRF header when a class needs it.
    const schemeNames = view.authClasses.map((authClass) => security.resolve(authClass));
    if (schemeNames.length > 0) operation.security = [...new Set(schemeNames)].map((name) => ({ [name]: [] }));
    else {
      warnings.push({ operation: where, reason: 'the view has no auth classes: every HTTP call answers 401' });
    }
    const csrfClasses = view.csrfExempt ? [] : view.authClasses.filter(authClassRequiresCsrf);
    if (csrfClasses.length > 0) {
      const always = csrfClasses.length === view.authClasses.length;
      operation.parameters = [
        {
          name: CSRF_HEADER,
          in: 'header',
          required: always,
          description:
            `CSRF token returned by \`GET ${normalizePrefix(options.prefix)}/api/csrf\` as \`{ csrfToken }\` (\`X-CSRFToken\` is accepted too). ` +
            (always ? 'Required.' : `Required when authenticating with ${csrfClasses.map((c) => c.name).join(', ')}.`),
          schema: { type: 'string' },
        },
      ];
    }

    // Body.
    let bodySchema: JsonSchema;
    let bodyRequired = false;
    if (handler.dtoType) {
      bodySchema = dtos.ref(handler.dtoType);
      bodyRequired = dtos.hasRequiredProperties(handler.dtoType);
    } else {
      bodySchema = { type: 'object' };
      if (handler.arity > 0) {
        warnings.push({ operation: where, reason: 'the handler parameter has no DTO class type: the body is documented as any object' });
      } else {
        bodySchema.description = 'No parameters: the body may be absent or an empty object (other keys are ignored).';
      }
    }
    operation.requestBody = { required: bodyRequired, content: { 'application/json': { schema: bodySchema } } };

    // Responses.
    // 429 is listed on every operation (the contract's error table); 503 only where a rate-limit store is consulted.
    const statuses = [400, 401, 403, 404, 413, 415, 429, 500];
    if (handler.rateLimit) statuses.push(503);
    if ((options.handlerTimeout ?? 0) > 0) statuses.push(504);
    statuses.sort((a, b) => a - b);
    const success = handler.rateLimit ? SUCCESS_RATE_LIMITED_COMPONENT : SUCCESS_COMPONENT;
    const responses: Record<string, unknown> = { '200': responseRef(success), '2XX': responseRef(success) };
    usedResponses.add(success);
    for (const status of statuses) {
      const name = errorComponentName(status);
      responses[String(status)] = responseRef(name);
      usedResponses.add(name);
    }
    operation.responses = responses;

    const permissions = [...view.permissions, ...handler.permissions];
    if (view.loginRequired) operation['x-djust-login-required'] = true;
    if (permissions.length) operation['x-djust-permissions'] = permissions;
    if (handler.rateLimit) operation['x-djust-rate-limit'] = { limit: handler.rateLimit.limit, ttl: handler.rateLimit.ttl };

    paths[path] = { post: orderOperationKeys(operation) };
  }

  const allEnvelopeSchemas = envelopeSchemas();
  const allEnvelopeResponses = envelopeResponses(SCHEMA_REF_PREFIX);
  const schemas: Record<string, JsonSchema> = Object.fromEntries(dtos.schemas);
  const responses: Record<string, Record<string, unknown>> = {};
  for (const name of usedResponses) {
    responses[name] = allEnvelopeResponses[name];
    const schemaName = name === SUCCESS_RATE_LIMITED_COMPONENT ? SUCCESS_COMPONENT : name;
    schemas[schemaName] = allEnvelopeSchemas[schemaName];
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
    components: {
      schemas: sortKeys(schemas),
      responses: sortKeys(responses),
      securitySchemes: sortKeys(Object.fromEntries(security.schemes)),
    },
  };
  return { document, warnings: [...dtos.warnings, ...security.warnings, ...warnings] };
}
