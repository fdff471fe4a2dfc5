import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callerKey } from './caller-key.util.js';

describe('callerKey', () => {
  it('uses the first usable user id field, in order id, userId, sub, username', () => {
    assert.equal(callerKey({ id: 42, username: 'bob' }, '1.2.3.4'), 'user:42');
    assert.equal(callerKey({ userId: 'u1', sub: 's' }, undefined), 'user:u1');
    assert.equal(callerKey({ sub: 'auth0|x' }, undefined), 'user:auth0|x');
    assert.equal(callerKey({ username: 'bob' }, undefined), 'user:bob');
    assert.equal(callerKey({ id: '', userId: null, sub: { nested: 1 }, username: 'bob' }, undefined), 'user:bob');
    assert.equal(callerKey({ id: 0 }, undefined), 'user:0');
  });

  it('falls back to the IP, unwrapping IPv4-mapped IPv6', () => {
    assert.equal(callerKey(undefined, '10.0.0.1'), 'ip:10.0.0.1');
    assert.equal(callerKey(null, '::ffff:10.0.0.1'), 'ip:10.0.0.1');
    assert.equal(callerKey({ name: 'no id' }, '2001:db8::1'), 'ip:2001:db8::1');
    assert.equal(callerKey({ id: Number.NaN }, '::1'), 'ip:::1');
  });

  it('is anon without user id nor IP', () => {
    assert.equal(callerKey(undefined, undefined), 'anon');
    assert.equal(callerKey('user-as-string', ''), 'anon');
  });
});
