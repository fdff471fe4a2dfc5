import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  const dead = (expiresAt: number, now: number) => expiresAt <= now;

  it('never holds more than maxEntries: a new key at the cap drops the oldest', () => {
    const map = new BoundedMap<number>(3, dead);
    for (const key of ['a', 'b', 'c', 'd']) map.set(key, 100);
    assert.equal(map.size, 3);
    assert.equal(map.get('a'), undefined);
    assert.equal(map.get('d'), 100);
  });

  it('setting a key again makes it the newest (it is evicted last)', () => {
    const map = new BoundedMap<number>(2, dead);
    map.set('a', 1);
    map.set('b', 1);
    map.set('a', 2);
    map.set('c', 1);
    assert.deepEqual([map.get('a'), map.get('b'), map.get('c')], [2, undefined, 1]);
  });

  it('sweep drops dead entries a few at a time, round robin', () => {
    const map = new BoundedMap<number>(10, dead);
    for (let i = 0; i < 6; i++) map.set(`k${i}`, i < 4 ? 5 : 50);
    map.sweep(10, 2);
    assert.equal(map.size, 4);
    map.sweep(10, 2);
    assert.equal(map.size, 2);
    map.sweep(10, 10);
    assert.equal(map.size, 2, 'live entries stay');
  });

  it('evicts correctly after deletes and clear (the cursors restart)', () => {
    const map = new BoundedMap<number>(2, dead);
    map.set('a', 1);
    map.set('b', 1);
    map.set('c', 1);
    map.delete('c');
    map.set('d', 1);
    map.set('e', 1);
    assert.equal(map.size, 2);
    map.clear();
    map.set('x', 1);
    map.set('y', 1);
    map.set('z', 1);
    assert.deepEqual([map.get('x'), map.get('y'), map.get('z')], [undefined, 1, 1]);
  });

  it('refuses a cap that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new BoundedMap(bad, dead), RangeError);
  });
});
