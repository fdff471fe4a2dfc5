import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveRequestId } from '../protocol/request-id.js';
import { REQUEST_ID_PATTERN, requestIdHeader, requestIdParameter } from './http-headers.schemas.js';

describe('documented headers', () => {
  const documented = new RegExp(REQUEST_ID_PATTERN, 'u');

  it('X-Request-Id: the documented pattern is exactly what the server echoes', () => {
    const candidates = fc.oneof(
      fc.string({ maxLength: 140 }),
      fc.stringMatching(/^[A-Za-z0-9._-]{0,130}$/),
      fc.constantFrom('', 'a', 'a'.repeat(128), 'a'.repeat(129), 'my-call.1', 'bad id', 'é', 'a\nb'),
    );
    fc.assert(fc.property(candidates, (id) => documented.test(id) === (resolveRequestId(id) === id)), { numRuns: 2000 });
  });

  it('X-Request-Id: a fresh id (a UUID) matches the documented pattern too', () => {
    assert.match(resolveRequestId(undefined), documented);
    assert.match(resolveRequestId('bad id'), documented);
  });

  it('X-Request-Id is a required response header and an optional request header', () => {
    assert.equal(requestIdHeader().required, true);
    assert.deepEqual([requestIdParameter().in, requestIdParameter().required], ['header', false]);
  });
});
