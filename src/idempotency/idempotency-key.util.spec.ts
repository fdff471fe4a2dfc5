import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidIdempotencyKey, paramsFingerprint, scopeKey } from './idempotency-key.util.js';

describe('idempotency keys', () => {
  it('a key is a string of 1 to 128 characters', () => {
    assert.deepEqual(['a', 'k'.repeat(128), 'é ü / 🙂'].map(isValidIdempotencyKey), [true, true, true]);
    assert.deepEqual(['', 'k'.repeat(129), 42, null, undefined, ['a'], { a: 1 }].map(isValidIdempotencyKey), [false, false, false, false, false, false, false]);
  });

  it('the fingerprint compares JSON values: key order does not matter, values and types do', () => {
    const f = paramsFingerprint;
    assert.equal(f({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }), f({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
    assert.equal(f(undefined), f({}), 'absent params are {}');
    assert.notEqual(f({ a: 1 }), f({ a: '1' }));
    assert.notEqual(f({ a: [1, 2] }), f({ a: [2, 1] }), 'array order matters');
    assert.notEqual(f({ a: null }), f({}));
    assert.notEqual(f({ 'a":1,"b': 2 }), f({ a: 1, b: 2 }), 'keys are quoted: no two objects share a text');
  });

  it('the scope key separates callers, views, handlers and keys, and is short whatever the key', () => {
    const base = { caller: 'user:1', view: 'pay', handler: 'charge', key: 'k' };
    const keys = [base, { ...base, caller: 'user:2' }, { ...base, view: 'pay2' }, { ...base, handler: 'refund' }, { ...base, key: 'k2' }].map(scopeKey);
    assert.equal(new Set(keys).size, 5);
    assert.notEqual(scopeKey({ ...base, caller: 'a', view: 'b' }), scopeKey({ ...base, caller: 'ab', view: '' }), 'parts do not run into each other');
    assert.match(scopeKey({ ...base, key: 'x'.repeat(128) }), /^[A-Za-z0-9_-]{43}$/);
  });
});
