import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeValue, errorDetail, errorMessage, labelOf } from './safe-format.util.js';

/** Values that make `String()` and template literals throw. */
const HOSTILE: unknown[] = [
  { toString: 1 },
  { toString: 1, valueOf: 1 },
  { valueOf: {}, toString: [] },
  Object.create(null),
  { [Symbol.toPrimitive]: () => { throw new Error('boom'); } },
  new Proxy({}, { get: () => { throw new Error('trap'); } }),
];

describe('safe formatting', () => {
  it('the values under test do make String() throw', () => {
    for (const v of HOSTILE.slice(0, 5)) assert.throws(() => String(v));
  });

  it('describeValue never throws and never runs code of the value', () => {
    for (const v of HOSTILE) assert.match(describeValue(v), /^\[object\]$/);
    assert.equal(describeValue([1, { toString: 1 }]), '[array(2)]');
    assert.equal(describeValue(Symbol('x')), '[symbol]');
    assert.equal(describeValue(() => 1), '[function]');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue(undefined), 'undefined');
    assert.equal(describeValue(12n), '12');
  });

  it('quotes strings with JSON escapes (no forged log lines) and truncates long ones', () => {
    assert.equal(describeValue('a\nb'), '"a\\nb"');
    assert.match(describeValue('x'.repeat(500)), /^"x{120}"…\(500 chars\)$/);
  });

  it('labelOf keeps a plain name, describes anything else', () => {
    assert.equal(labelOf('update_status'), 'update_status');
    assert.equal(labelOf('two words'), '"two words"');
    assert.equal(labelOf({ toString: 1 }), '[object]');
    assert.equal(labelOf(''), '""');
  });

  it('errorDetail and errorMessage survive hostile errors', () => {
    const err = new Error('plain');
    assert.match(errorDetail(err), /^Error: plain\n\s+at /);
    assert.equal(errorMessage(err), 'plain');
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'stack', { get: () => { throw new Error('getter'); } });
    Object.defineProperty(hostile, 'message', { value: { toString: 1 } });
    assert.equal(errorDetail(hostile), '[object]');
    assert.equal(errorMessage(hostile), '[object]');
    for (const v of HOSTILE) {
      assert.equal(typeof errorDetail(v), 'string');
      assert.equal(typeof errorMessage(v), 'string');
    }
    assert.equal(errorDetail('text thrown'), '"text thrown"');
  });
});
