import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exclude } from 'class-transformer';
import { plainEqual, toPlain } from './to-plain.js';
import { SerializationError } from './serialization.error.js';

class Model {
  id = 1;
  @Exclude() secret = 's';
  when = new Date(0);
}

describe('toPlain', () => {
  it('keeps JSON semantics', () => {
    assert.deepEqual(toPlain({ a: 1, b: undefined, c: () => 1, d: [undefined, NaN, Infinity], e: null }), { a: 1, d: [null, null, null], e: null });
    assert.equal(toPlain(undefined), undefined);
  });
  it('serializes Date, Map, Set, class instances (honouring @Exclude) and toJSON', () => {
    assert.deepEqual(toPlain({ m: new Map([['k', new Date(0)]]), s: new Set([1, 2]), model: new Model(), j: { toJSON: () => 'j' } }), {
      m: { k: '1970-01-01T00:00:00.000Z' },
      s: [1, 2],
      model: { id: 1, when: '1970-01-01T00:00:00.000Z' },
      j: 'j',
    });
  });
  it('throws SerializationError on cycles and BigInt, allows shared references', () => {
    const a: Record<string, unknown> = {};
    a.a = a;
    assert.throws(() => toPlain(a), SerializationError);
    assert.throws(() => toPlain({ n: 1n }), SerializationError);
    const shared = { x: 1 };
    assert.deepEqual(toPlain([shared, shared]), [{ x: 1 }, { x: 1 }]);
  });
  it('never calls the __proto__ setter', () => {
    const input = JSON.parse('{"__proto__": {"polluted": 1}}');
    const out = toPlain(input) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { polluted?: unknown }).polluted, undefined);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });
  it('compares plain values deeply', () => {
    assert.ok(plainEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }));
    assert.ok(!plainEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }));
    assert.ok(!plainEqual([1], { 0: 1 }));
    assert.ok(!plainEqual({ a: 1 }, { b: 1 }));
  });
});
