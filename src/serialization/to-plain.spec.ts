import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exclude } from 'class-transformer';
import { equalsPlain, plainEqual, toPlain } from './to-plain.js';
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

describe('equalsPlain', () => {
  it('agrees with plainEqual(toPlain(a), toPlain(b)) on arbitrary values', async () => {
    const fc = (await import('fast-check')).default;
    const leaf = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(NaN, Infinity, 0.5, true, false, null, undefined, () => 1),
      fc.constantFrom(new Date(0), new Date(1), new Date(NaN)),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3 }), tie('map')),
      map: fc.array(fc.tuple(fc.constantFrom('k', 'l'), leaf), { maxLength: 2 }).map((e) => new Map(e)),
    })).node;
    fc.assert(
      fc.property(value, value, (a, b) => {
        const expected = plainEqual(toPlain(a), toPlain(b));
        assert.equal(equalsPlain(a, toPlain(b)), expected);
        assert.equal(equalsPlain(a, toPlain(a)), true);
      }),
      { seed: 0x5eed, numRuns: 2000 },
    );
  });

  it('never accepts an unserializable value: it throws, or answers false (and toPlain then throws)', () => {
    const a: Record<string, unknown> = {};
    a.a = a;
    assert.equal(equalsPlain(a, { a: { a: {} } }), false);
    assert.equal(equalsPlain(a, {}), false);
    assert.throws(() => toPlain(a), SerializationError);
    assert.throws(() => equalsPlain({ x: 1n }, { x: 1 }), SerializationError);
  });
});
