import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADAPTERS, post, request } from '../support/app.js';
import { boot, emit, openSocket, Probe, type ContractApp } from './contract.fixture.js';
import { sessionModule, useSessions } from './session-auth.fixture.js';

describe('SessionAuth + CSRF (express-session, Passport sessions)', () => {
  let app: ContractApp;
  let probe: Probe;
  before(async () => {
    app = await boot(sessionModule(['http://allowed.example']), 'express', useSessions);
    probe = app.app.get(Probe);
  });
  after(() => app.close());

  const login = async (id: number): Promise<{ cookie: string; csrf: string }> => {
    const res = await fetch(`${app.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
    assert.equal(res.status, 200);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const c = await request(`${app.url}/djust/api/csrf`, { headers: { cookie } });
    assert.equal(c.status, 200);
    assert.deepEqual(Object.keys(c.body), ['csrfToken']);
    assert.equal(typeof c.body.csrfToken, 'string');
    assert.ok(c.body.csrfToken.length > 0);
    const extra = c.headers.getSetCookie().map((x) => x.split(';')[0]);
    return { cookie: [cookie, ...extra].filter(Boolean).join('; '), csrf: c.body.csrfToken };
  };

  test('X-CSRF-Token and X-CSRFToken both accepted; user from the session', async () => {
    const { cookie, csrf } = await login(1);
    for (const header of ['X-CSRF-Token', 'X-CSRFToken']) {
      const r = await post(`${app.url}/djust/api/note/save/`, {}, { cookie, [header]: csrf });
      assert.equal(r.status, 200, `${header}: ${r.text}`);
      assert.deepEqual(r.body, { result: 'alice', assigns: {} });
    }
  });

  test('missing or wrong CSRF token → 403 permission_denied, view never runs', async () => {
    const { cookie } = await login(1);
    const runs = probe.handlerRuns;
    const mounts = probe.mounts;
    for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'wrong' }] as Record<string, string>[]) {
      const r = await post(`${app.url}/djust/api/note/save/`, {}, headers);
      assert.equal(r.status, 403);
      assert.equal(r.body.error, 'permission_denied');
    }
    assert.equal(probe.handlerRuns, runs);
    assert.equal(probe.mounts, mounts);
  });

  test('no session → 401 (before CSRF)', async () => {
    const r = await post(`${app.url}/djust/api/note/save/`, {}, {});
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'unauthenticated');
  });

  test('CSRF checked before handler permissions; permissions after CSRF', async () => {
    const { cookie, csrf } = await login(2);
    assert.equal((await post(`${app.url}/djust/api/note/edit/`, {}, { cookie })).status, 403);
    const r = await post(`${app.url}/djust/api/note/edit/`, {}, { cookie, 'x-csrf-token': csrf });
    assert.equal(r.status, 403);
    assert.equal(r.body.error, 'permission_denied');
    const a = await login(1);
    assert.equal((await post(`${app.url}/djust/api/note/edit/`, {}, { cookie: a.cookie, 'x-csrf-token': a.csrf })).status, 200);
  });

  test('csrfExempt: true on the view turns CSRF off', async () => {
    const { cookie } = await login(1);
    const r = await post(`${app.url}/djust/api/exempt/save/`, {}, { cookie });
    assert.deepEqual(r.body, { result: 'alice', assigns: {} });
  });

  test('Passport strategy class listed in authClasses: validate() result is the user', async () => {
    const r = await post(`${app.url}/djust/api/passport/whoami/`, {}, { authorization: 'Bearer pp-carol' });
    assert.deepEqual(r.body, { result: 'carol', assigns: {} });
    const bad = await post(`${app.url}/djust/api/passport/whoami/`, {}, { authorization: 'Bearer nope' });
    assert.equal(bad.status, 401);
  });

  describe('WS: session cookie on the handshake', () => {
    const origin = () => app.url;
    test('same-origin cookie socket is the session user', async () => {
      const { cookie } = await login(1);
      const s = await app.socket('/djust', { headers: { cookie, origin: origin() } });
      const m = await emit(s, 'mount', { view: 'account' });
      assert.deepEqual(m.assigns, { name: 'alice' });
      assert.deepEqual(await emit(s, 'event', { ref: m.ref, handler: 'whoami' }), { result: 'alice', assigns: {} });
    });

    test('anonymous socket → login-required view acks 401', async () => {
      const s = await app.socket('/djust', { headers: { origin: origin() } });
      const m = await emit(s, 'mount', { view: 'account' });
      assert.equal(m.error, 'unauthenticated');
      assert.equal(m.status, 401);
    });

    test('cookie-authenticated socket from a foreign Origin is refused', async () => {
      const { cookie } = await login(1);
      let accepted = false;
      try {
        const s = await openSocket(app.url, '/djust', { headers: { cookie, origin: 'http://evil.example' } });
        try {
          const m = await emit(s, 'mount', { view: 'account' });
          accepted = !m.error;
        } finally {
          s.disconnect();
        }
      } catch {
        // connection refused: the user is not honoured
      }
      assert.equal(accepted, false, 'the session user must not be honoured from a foreign Origin');
    });

    test('Origin listed in allowedOrigins is accepted', async () => {
      const { cookie } = await login(1);
      const s = await app.socket('/djust', { headers: { cookie, origin: 'http://allowed.example' } });
      const m = await emit(s, 'mount', { view: 'account' });
      assert.deepEqual(m.assigns, { name: 'alice' });
    });

    test('Passport strategy over WS: handshake.auth.token as Bearer', async () => {
      const s = await app.socket('/djust', { token: 'pp-alice' });
      const m = await emit(s, 'mount', { view: 'passport' });
      assert.deepEqual(await emit(s, 'event', { ref: m.ref, handler: 'whoami' }), { result: 'alice', assigns: {} });
    });
  });
});

for (const adapter of ADAPTERS) {
  describe(`Passport strategy in authClasses (${adapter}, no sessions)`, () => {
    let app: ContractApp;
    before(async () => {
      app = await boot(sessionModule(), adapter);
    });
    after(() => app.close());
    test('HTTP', async () => {
      const r = await post(`${app.url}/djust/api/passport/whoami/`, {}, { authorization: 'Bearer pp-alice' });
      assert.deepEqual(r.body, { result: 'alice', assigns: {} });
      assert.equal((await post(`${app.url}/djust/api/passport/whoami/`, {}, {})).status, 401);
    });
    test('SessionAuth without a session → 401', async () => {
      assert.equal((await post(`${app.url}/djust/api/note/save/`, {}, {})).status, 401);
    });
  });
}
