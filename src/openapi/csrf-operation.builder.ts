import { CSRF_TOKEN_COMPONENT, errorComponentName } from './envelope-schemas.js';
import { requestIdHeader, REQUEST_ID_HEADER, requestIdParameter } from './http-headers.schemas.js';
import { SCHEMA_REF_PREFIX } from './json-schema.util.js';
import { normalizePrefix } from './operation-naming.util.js';
import { responseRef } from './operation-responses.builder.js';
import type { OpenApiOperation } from './openapi.types.js';

/** The path of the CSRF token endpoint: `/<prefix>/api/csrf`. */
export function csrfTokenPath(prefix: string): string {
  return `${normalizePrefix(prefix)}/api/csrf`;
}

/** The operationId of `GET /<prefix>/api/csrf` (made unique against the handlers' ids by the caller). */
export const CSRF_OPERATION_ID = 'djust_csrf_token';

/**
 * `GET /<prefix>/api/csrf`, documented when an operation takes the CSRF
 * header, so that generated clients can fetch the token: 200 `{ csrfToken }`
 * to a logged-in session, 401 to anyone else (an anonymous caller never gets
 * a session stored for it), 404 without a session middleware, 503 when the
 * session store fails. Its security is the session schemes of the auth
 * classes that need CSRF.
 * Adds the component responses it refers to to `used`.
 */
export function csrfTokenOperation(operationId: string, sessionSchemes: readonly string[], used: Set<string>): OpenApiOperation {
  used.add(CSRF_TOKEN_COMPONENT);
  used.add(errorComponentName(401));
  used.add(errorComponentName(503));
  return {
    operationId,
    summary: 'CSRF token of the session',
    description:
      'Returns the CSRF token of the caller\'s logged-in session, to send in the `X-CSRF-Token` header of the operations that need it; ' +
      'the token is stable within a session. A caller without a logged-in session gets 401 (and no session is stored for it).',
    parameters: [requestIdParameter()],
    responses: {
      '200': responseRef(CSRF_TOKEN_COMPONENT),
      '401': responseRef(errorComponentName(401)),
      '404': {
        description: 'Not found: the app runs no session middleware on this route (clients authenticated by a token need no CSRF token).',
        headers: { [REQUEST_ID_HEADER]: requestIdHeader() },
        content: { 'application/json': { schema: { $ref: `${SCHEMA_REF_PREFIX}${errorComponentName(404)}` } } },
      },
      '503': responseRef(errorComponentName(503)),
    },
    security: sessionSchemes.map((name) => ({ [name]: [] })),
  };
}
