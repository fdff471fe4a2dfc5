import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { BadRequestException, ForbiddenException, HttpException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toWireError } from '../../src/core/error-mapping.js';
import { ERROR_DETAILS_SCHEMAS } from '../../src/openapi/error-details.schemas.js';
import { DjustException } from '../../src/protocol/djust.exception.js';
import { ERROR_KINDS, type DjustErrorKind } from '../../src/protocol/error-kinds.js';
import * as wireErrors from '../../src/protocol/wire-errors.js';
import { upstreamFailure } from '../../src/transports/http/http-request.js';
import { projectRoot } from '../support/project-root.js';

/**
 * The documented `details` of each error kind (`src/openapi/error-details.schemas.ts`)
 * against the one catalogue of wire errors (`src/protocol/wire-errors.ts`):
 * every constructor an HTTP answer can come from is run, and its details must
 * validate with no undeclared field; every declared field must be one some
 * constructor sends. A new constructor must be listed here, once.
 */

/** Sample arguments for each constructor an HTTP (or MCP) answer can come from. */
const HTTP_SAMPLES: Record<string, unknown[][]> = {
  notFound: [[]],
  validationError: [[{ order_id: ['This field is required.'], 'lines.0.qty': ['qty must not be less than 1'] }]],
  notAnObject: [[]],
  invalidMessage: [[]],
  malformedJson: [[]],
  nestingTooDeep: [[32]],
  unauthenticated: [[]],
  sessionEnded: [[]],
  permissionDenied: [[]],
  csrfFailed: [['CSRF token incorrect.']],
  methodNotAllowed: [[]],
  payloadTooLarge: [[1_048_576]],
  unsupportedMediaType: [[]],
  rateLimited: [[1], [12.5]],
  handlerError: [[], [{ traceback: 'Error: boom\n    at handler (view.ts:1:1)' }]],
  rateLimitUnavailable: [[]],
  dependencyUnavailable: [[]],
  handlerTimeout: [[]],
  invalidIdempotencyKey: [[]],
  idempotencyKeyInUse: [[]],
  idempotencyKeyMismatch: [[]],
  idempotencyUnavailable: [[]],
};

/** Constructors only the socket.io transport uses (a socket's limits and Origin): never an HTTP answer. */
const WS_ONLY: readonly string[] = ['originRefused', 'messageTooLarge', 'tooManyViews', 'tooManyMessages', 'tooManySockets'];

const constructors = wireErrors as unknown as Record<string, (...args: unknown[]) => DjustException>;

/** Every wire error an HTTP answer can carry: the catalogue's, the transport's refusals, mapped Nest exceptions. */
function httpErrors(): DjustException[] {
  const fromCatalogue = Object.entries(HTTP_SAMPLES).flatMap(([name, samples]) => samples.map((args) => constructors[name](...args)));
  const statuses = [...new Set(Object.values(ERROR_KINDS).map((k) => k.status as number))];
  const upstream = [...statuses, 418, 502].map((status) => upstreamFailure(Object.assign(new Error('x'), { status })));
  const nest = [
    new BadRequestException(['qty must be an integer']),
    new BadRequestException('bad'),
    new ForbiddenException(),
    new PayloadTooLargeException(),
    new ServiceUnavailableException(),
    new HttpException('gone', 410),
    new Error('secret'),
  ].map((err) => toWireError(err, true, { error: () => undefined }, 'test'));
  return [...fromCatalogue, ...upstream, ...nest];
}

function strictDetailsValidator(kind: DjustErrorKind) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile({ ...ERROR_DETAILS_SCHEMAS[kind], unevaluatedProperties: false });
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('error details schemas against the wire error catalogue', () => {
  it('every constructor of wire-errors.ts is sampled here or known to be socket-only, once', () => {
    const names = Object.keys(constructors).filter((name) => typeof constructors[name] === 'function').sort();
    assert.deepEqual([...Object.keys(HTTP_SAMPLES), ...WS_ONLY].sort(), names);
  });

  it('every HTTP wire error validates against its kind\'s details schema, with no undeclared field', () => {
    for (const error of httpErrors()) {
      const validate = strictDetailsValidator(error.kind);
      assert.ok(validate(error.details), `${error.kind} ${JSON.stringify(error.details)}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('every declared details field is one the server sends (nothing invented)', () => {
    const sent = new Map<DjustErrorKind, Set<string>>();
    for (const error of httpErrors()) {
      const keys = sent.get(error.kind) ?? new Set<string>();
      for (const key of Object.keys(error.details)) keys.add(key);
      sent.set(error.kind, keys);
    }
    for (const [kind, schema] of Object.entries(ERROR_DETAILS_SCHEMAS) as [DjustErrorKind, { properties?: object }][]) {
      for (const property of Object.keys(schema.properties ?? {})) {
        assert.ok(sent.get(kind)?.has(property), `${kind}.details.${property} is documented but no wire error sends it`);
      }
    }
  });

  it('the socket-only constructors are used by the socket.io transport alone', () => {
    const src = join(projectRoot(), 'src');
    for (const file of sources(src)) {
      const path = relative(src, file);
      if (path.startsWith('transports/ws/') || path === 'protocol/wire-errors.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const name of WS_ONLY) assert.doesNotMatch(text, new RegExp(`\\b${name}\\b`), `${path} uses ${name}: document its details in error-details.schemas.ts`);
    }
  });
});
