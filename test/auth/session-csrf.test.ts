import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ADAPTERS, post, request, type JsonResponse, type RunningApp } from '../support/app.js';
import { SessionBrowser, csrfHeader } from '../support/auth-browser.js';
import { RunCounter, bootSessionApp, sessionCookieName } from './session-app.fixture.js';

const UNAUTHENTICATED = {
  error: 'unauthenticated',
  details: { auth: ['Authentication credentials were not provided or are invalid.'] },
  message: 'Authentication required.',
};

const REASON = {
  missing: 'CSRF token missing: send it in the X-CSRF-Token header.',
  noSessionToken: 'No CSRF token for this session: fetch one from the /api/csrf endpoint after logging in.',
  mismatch: 'CSRF token incorrect.',
};

/** A 403 for CSRF: the envelope, the reason in details.csrf, nothing else. */
function assertCsrfRefused(res: JsonResponse, reason: string): void {
  assert.equal(res.status, 403, res.text);
  assert.deepEqual(res.body, { error: 'permission_denied', details: { csrf: [reason] }, message: 'CSRF check failed.' });
}

function assertUnauthenticated(res: JsonResponse): void {
  assert.equal(res.status, 401, res.text);
  assert.deepEqual(res.body, UNAUTHENTICATED);
}

for (const adapter of ADAPTERS) {
  describe(`session auth + CSRF over HTTP (${adapter})`, () => {
    let running: RunningApp;
    let counter: RunCounter;
    const cookieName = sessionCookieName(adapter);

    /** A browser logged in as `username`, with its CSRF token. */
    async function loggedIn(username = 'alice'): Promise<{ browser: SessionBrowser; token: string }> {
      const browser = new SessionBrowser(running.url);
      const login = await browser.login(username);
      assert.equal(login.status, 200, login.text);
      const token = await browser.csrfToken();
      assert.equal(typeof token, 'string');
      return { browser, token: token! };
    }

    before(async () => {
      running = await bootSessionApp(adapter);
      counter = running.app.get(RunCounter);
    });
    after(() => running.close());

    it('GET /djust/api/csrf returns {csrfToken} for the session, stable within it, never cached', async () => {
      const { browser, token } = await loggedIn();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const res = await browser.fetch('/djust/api/csrf');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { csrfToken: token });
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const { token: other } = await loggedIn();
      assert.notEqual(other, token, 'each session has its own token');
    });

    it('accepts the session token in X-CSRF-Token and in X-CSRFToken', async () => {
      const { browser, token } = await loggedIn();
      let res = await browser.call('note', 'save', {}, csrfHeader(token));
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { result: { by: 'alice', transport: 'http' }, assigns: {} });
      res = await browser.call('note', 'save', {}, { 'X-CSRFToken': token });
      assert.equal(res.status, 200, res.text);
      res = await browser.call('order', 'refund', { order_id: 7 }, { 'X-CSRF-Token': token });
      assert.deepEqual(res.body, { result: { refunded: 7 }, assigns: {} });
    });

    it('refuses a missing, empty, forged or oversized token with 403 and the reason; the view never runs', async () => {
      const { browser, token } = await loggedIn();
      const runs = counter.runs;
      assertCsrfRefused(await browser.call('note', 'save'), REASON.missing);
      assertCsrfRefused(await browser.call('note', 'save', {}, { 'x-csrf-token': '' }), REASON.missing);
      const forged = [
        randomBytes(32).toString('base64url'),
        token.slice(0, -1),
        `${token}x`,
        token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(),
        'x'.repeat(5000),
        `${token},${token}`,
      ];
      for (const bad of forged) {
        assertCsrfRefused(await browser.call('note', 'save', {}, csrfHeader(bad)), REASON.mismatch);
        assertCsrfRefused(await browser.call('note', 'save', {}, { 'x-csrftoken': bad }), REASON.mismatch);
      }
      assert.equal(counter.runs, runs, 'no handler ran');
    });

    it('refuses another session’s token', async () => {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob');
      assertCsrfRefused(await alice.browser.call('note', 'save', {}, csrfHeader(bob.token)), REASON.mismatch);
      // the same user in two sessions: still two tokens
      const alice2 = await loggedIn('alice');
      assertCsrfRefused(await alice.browser.call('note', 'save', {}, csrfHeader(alice2.token)), REASON.mismatch);
    });

    it('gives an anonymous caller no token (401, no session), and drops a token fetched before a login: the login starts a new session', async () => {
      const browser = new SessionBrowser(running.url);
      assertUnauthenticated(await browser.fetch('/djust/api/csrf'));
      assert.deepEqual(browser.cookieNames(), [], 'an anonymous GET /csrf started a session');
      assert.equal((await browser.login('alice')).status, 200);
      const before = await browser.csrfToken();
      assert.equal(typeof before, 'string');
      assert.equal((await browser.login('bob')).status, 200);
      assertCsrfRefused(await browser.call('note', 'save', {}, csrfHeader(before!)), REASON.noSessionToken);
      const after = await browser.csrfToken();
      assert.notEqual(after, before);
      assert.equal((await browser.call('note', 'save', {}, csrfHeader(after!))).status, 200);
    });

    it('after logout: the old cookie and token are a destroyed session (401); the old token never fits a new session (403)', async () => {
      const { browser, token } = await loggedIn();
      const stale = browser.clone(); // keeps the cookie of the session being destroyed
      assert.equal((await browser.logout()).status, 200);
      assertUnauthenticated(await stale.call('note', 'save', {}, csrfHeader(token)));
      assertUnauthenticated(await browser.call('note', 'save', {}, csrfHeader(token)));
      // the destroyed session's cookie does not come back to life
      assertUnauthenticated(await stale.call('note', 'save', {}, csrfHeader(token)));
      // logged in again: a new session, a new token
      assert.equal((await browser.login('alice')).status, 200);
      assertCsrfRefused(await browser.call('note', 'save', {}, csrfHeader(token)), REASON.noSessionToken);
      await browser.csrfToken();
      assertCsrfRefused(await browser.call('note', 'save', {}, csrfHeader(token)), REASON.mismatch);
    });

    it('treats a forged or tampered session cookie as anonymous (401)', async () => {
      const { browser, token } = await loggedIn();
      const original = browser.cookieHeader.split('=').slice(1).join('=');
      const tampered = browser.clone();
      tampered.setCookie(cookieName, `${original.slice(0, -3)}AAA`);
      assertUnauthenticated(await tampered.call('note', 'save', {}, csrfHeader(token)));
      const forged = browser.clone();
      forged.setCookie(cookieName, randomBytes(24).toString('base64url'));
      assertUnauthenticated(await forged.call('note', 'save', {}, csrfHeader(token)));
      // the real cookie still works
      assert.equal((await browser.call('note', 'save', {}, csrfHeader(token))).status, 200);
    });

    it('answers 401 to an anonymous caller, with or without a token, before any CSRF check', async () => {
      const anonymous = new SessionBrowser(running.url);
      const token = await anonymous.csrfToken(); // an anonymous session may hold a token: it authenticates nobody
      for (const headers of [{}, csrfHeader(token!), csrfHeader('forged')]) {
        assertUnauthenticated(await anonymous.call('note', 'save', {}, headers));
        assertUnauthenticated(await post(`${running.url}/djust/api/note/save/`, {}, headers));
      }
    });

    it('a wrong login leaves the caller anonymous', async () => {
      const browser = new SessionBrowser(running.url);
      const res = await browser.login('alice', 'wrong');
      assert.equal(res.status, 401);
      const token = await browser.csrfToken();
      assertUnauthenticated(await browser.call('note', 'save', {}, csrfHeader(token!)));
    });

    it('csrfExempt on the view turns CSRF off for session callers', async () => {
      const { browser } = await loggedIn('bob');
      const res = await browser.call('ping', 'ping');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.result, { by: 'bob' });
    });

    it('a Passport bearer strategy before SessionAuth needs no CSRF; the session caller of the same view does', async () => {
      let res = await post(`${running.url}/djust/api/order/refund/`, { order_id: 1 }, { authorization: 'Bearer tok-alice' });
      assert.equal(res.status, 200, res.text);
      const { browser, token } = await loggedIn();
      assertCsrfRefused(await browser.call('order', 'refund', { order_id: 1 }), REASON.missing);
      res = await browser.call('order', 'refund', { order_id: 1 }, csrfHeader(token));
      assert.equal(res.status, 200, res.text);
      // a bad bearer token falls through to the session, which then needs its CSRF token
      assertCsrfRefused(await browser.call('order', 'refund', { order_id: 1 }, { authorization: 'Bearer nope' }), REASON.missing);
    });

    it('checks CSRF before permissions and the handler: the order of checks', async () => {
      const { browser, token } = await loggedIn('carol'); // no permission at all
      assertCsrfRefused(await browser.call('order', 'refund', { order_id: 1 }), REASON.missing);
      const res = await browser.call('order', 'refund', { order_id: 1 }, csrfHeader(token));
      assert.equal(res.status, 403);
      assert.deepEqual(res.body.details, { permission: ['You do not have permission to perform this action.'] });
      // unknown handler: 404 only once authenticated and past CSRF
      assertCsrfRefused(await browser.call('order', 'nope'), REASON.missing);
      assert.equal((await browser.call('ping', 'nope')).status, 404);
    });

    it('never answers 500 to hostile CSRF and cookie headers', async () => {
      const { browser, token } = await loggedIn();
      const hostile: Record<string, string>[] = [
        { 'x-csrf-token': '%00%0d%0a' },
        { 'x-csrf-token': ' '.repeat(10) },
        { 'x-csrf-token': 'a'.repeat(8000) },
        { 'x-csrf-token': 'other', 'x-csrftoken': token },
        { cookie: `${cookieName}=; ${cookieName}=x` },
        { cookie: `${cookieName}=${'%'.repeat(100)}` },
        { cookie: 'a'.repeat(6000) },
      ];
      for (const headers of hostile) {
        const res = await browser.call('note', 'save', {}, headers);
        const label = `${JSON.stringify(headers).slice(0, 60)} → ${res.status} ${res.text.slice(0, 120)}`;
        assert.ok(res.status === 401 || res.status === 403, label);
        assert.ok(res.body.error === 'unauthenticated' || res.body.error === 'permission_denied', label);
      }
      const res = await request(`${running.url}/djust/api/csrf`, { headers: { cookie: `${cookieName}=${'%'.repeat(100)}` } });
      assertUnauthenticated(res); // no session user behind a broken cookie: no token
    });
  });
}
