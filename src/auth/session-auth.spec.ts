import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionAuth } from './session-auth.js';

describe('SessionAuth', () => {
  const auth = new SessionAuth();

  it('returns request.user (Passport sessions)', () => {
    const user = { id: 1 };
    assert.equal(auth.authenticate({ user, session: {} }), user);
  });

  it('falls back to session.user, through get() for accessor sessions', () => {
    const user = { id: 2 };
    assert.equal(auth.authenticate({ session: { user } }), user);
    assert.equal(auth.authenticate({ session: { get: (k: string) => (k === 'user' ? user : undefined) } }), user);
  });

  it('is null for anonymous, destroyed or missing sessions', () => {
    assert.equal(auth.authenticate({}), null);
    assert.equal(auth.authenticate({ user: undefined, session: {} }), null);
    assert.equal(auth.authenticate({ user: false, session: { user: false } }), null);
    assert.equal(auth.authenticate({ session: null }), null);
    assert.equal(auth.authenticate(undefined), null);
  });

  it('declares CSRF and its OpenAPI cookie scheme', () => {
    assert.equal(SessionAuth.csrf, true);
    assert.deepEqual(SessionAuth.openapi, { name: 'session', scheme: { type: 'apiKey', in: 'cookie', name: 'connect.sid' } });
  });
});
