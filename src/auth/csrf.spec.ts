import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authCtx } from '../../test/support/auth-fixtures.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import { DjustException } from '../protocol/djust.exception.js';
import { CSRF_REASONS, CSRF_SESSION_KEY, getOrCreateCsrfToken, verifyCsrf } from './csrf.js';
import { csrfTokensMatch, generateCsrfToken } from './csrf-token.util.js';

function failure(fn: () => void): DjustException {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DjustException, `expected DjustException, got ${err}`);
    return err;
  }
  assert.fail('expected the CSRF check to fail');
}

function assertCsrf403(fn: () => void, reason: string): void {
  const err = failure(fn);
  assert.equal(err.status, 403);
  assert.deepEqual(err.toBody(), { error: 'permission_denied', details: { csrf: [reason] }, message: 'CSRF check failed.' });
}

describe('getOrCreateCsrfToken', () => {
  it('creates a 32-byte base64url token once per session and stores it under djustCsrfToken', () => {
    const session: Record<string, any> = {};
    const token = getOrCreateCsrfToken(session);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session[CSRF_SESSION_KEY], token);
    assert.equal(getOrCreateCsrfToken(session), token);
  });

  it('gives different sessions different tokens', () => {
    assert.notEqual(getOrCreateCsrfToken({}), getOrCreateCsrfToken({}));
  });

  it('uses get/set on accessor sessions (@fastify/secure-session)', () => {
    const data = new Map<string, unknown>();
    const session = { get: (k: string) => data.get(k), set: (k: string, v: unknown) => data.set(k, v) };
    const token = getOrCreateCsrfToken(session);
    assert.equal(data.get(CSRF_SESSION_KEY), token);
    assert.equal(getOrCreateCsrfToken(session), token);
  });

  it('throws a configuration error without a session', () => {
    assert.throws(() => getOrCreateCsrfToken(undefined), DjustConfigurationError);
  });
});

describe('verifyCsrf', () => {
  it('accepts the session token in X-CSRF-Token', () => {
    const session = {};
    const token = getOrCreateCsrfToken(session);
    verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': token } }));
  });

  it('accepts the session token in X-CSRFToken', () => {
    const session = {};
    const token = getOrCreateCsrfToken(session);
    verifyCsrf(authCtx({ session, headers: { 'x-csrftoken': token } }));
  });

  it('accepts the token from an accessor session', () => {
    const data = new Map<string, unknown>();
    const session = { get: (k: string) => data.get(k), set: (k: string, v: unknown) => data.set(k, v) };
    const token = getOrCreateCsrfToken(session);
    verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': token } }));
  });

  it('rejects a missing header', () => {
    const session = {};
    getOrCreateCsrfToken(session);
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: {} })), CSRF_REASONS.missingHeader);
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': '' } })), CSRF_REASONS.missingHeader);
  });

  it('rejects a forged token', () => {
    const session = {};
    const token = getOrCreateCsrfToken(session);
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': forged } })), CSRF_REASONS.mismatch);
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': 'x' } })), CSRF_REASONS.mismatch);
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': token + token } })), CSRF_REASONS.mismatch);
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': 'a'.repeat(10_000) } })), CSRF_REASONS.mismatch);
  });

  it('rejects a token from another session', () => {
    const mine = {};
    getOrCreateCsrfToken(mine);
    const theirs = getOrCreateCsrfToken({});
    assertCsrf403(() => verifyCsrf(authCtx({ session: mine, headers: { 'x-csrf-token': theirs } })), CSRF_REASONS.mismatch);
  });

  it('rejects a valid-looking token when the session has none (destroyed or fresh session)', () => {
    const old = getOrCreateCsrfToken({});
    assertCsrf403(() => verifyCsrf(authCtx({ session: {}, headers: { 'x-csrf-token': old } })), CSRF_REASONS.noSessionToken);
    assertCsrf403(() => verifyCsrf(authCtx({ session: undefined, headers: { 'x-csrf-token': old } })), CSRF_REASONS.noSessionToken);
  });

  it('rejects a repeated header', () => {
    const session = {};
    const token = getOrCreateCsrfToken(session);
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': [token, token] } })), CSRF_REASONS.mismatch);
  });

  it('rejects a non-string token stored in the session', () => {
    const session = { [CSRF_SESSION_KEY]: 42 };
    assertCsrf403(() => verifyCsrf(authCtx({ session, headers: { 'x-csrf-token': '42' } })), CSRF_REASONS.noSessionToken);
  });

  it('does nothing over WS (the gateway checks the Origin instead)', () => {
    verifyCsrf(authCtx({ transport: 'ws', session: {}, headers: {} }));
  });
});

describe('csrfTokensMatch', () => {
  it('matches only identical non-empty tokens', () => {
    const t = generateCsrfToken();
    assert.equal(csrfTokensMatch(t, t), true);
    assert.equal(csrfTokensMatch(t, generateCsrfToken()), false);
    assert.equal(csrfTokensMatch('', ''), false);
    assert.equal(csrfTokensMatch(t.slice(1), t), false);
  });
});
