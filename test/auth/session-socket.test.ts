import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ADAPTERS, type RunningApp } from '../support/app.js';
import { SessionBrowser } from '../support/auth-browser.js';
import { ack, connectRefused, connectSocket, mountAndCall } from '../support/auth-socket.js';
import { bootSessionApp, sessionCookieName } from './session-app.fixture.js';

const TRANSPORTS = [['polling', 'websocket'], ['websocket']] as const;

for (const adapter of ADAPTERS) {
  describe(`session auth over socket.io with SessionIoAdapter (${adapter})`, () => {
    let running: RunningApp;
    let alice: SessionBrowser;

    /** A socket sending this browser's cookies (and optionally an Origin), like a browser page would. */
    const browserSocket = (browser: SessionBrowser, transports: readonly string[] = TRANSPORTS[0], origin?: string) =>
      connectSocket(running.url, { transports: [...transports], extraHeaders: { cookie: browser.cookieHeader, ...(origin ? { origin } : {}) } });

    before(async () => {
      running = await bootSessionApp(adapter);
      alice = new SessionBrowser(running.url);
      assert.equal((await alice.login('alice')).status, 200);
    });
    after(() => running.close());

    for (const transports of TRANSPORTS) {
      it(`a logged-in browser socket is SessionAuth-authenticated, no CSRF token (${transports.join('+')})`, async () => {
        const socket = await browserSocket(alice, transports);
        try {
          const order = await mountAndCall(socket, 'order', 'update_status', { order_id: 42, status: 'shipped' });
          assert.deepEqual(order.mount.assigns, { status: 'new' });
          assert.deepEqual(order.event, { result: { order_id: 42, status: 'shipped', by: 'alice' }, assigns: { status: 'shipped' } });
          const profile = await mountAndCall(socket, 'profile', 'whoami');
          assert.deepEqual(profile.mount.assigns, { username: 'alice' });
          assert.deepEqual(profile.event.result, { username: 'alice', transport: 'ws' });
        } finally {
          socket.disconnect();
        }
      });

      it(`a foreign Origin with the session cookie is refused at connect (${transports.join('+')})`, async () => {
        for (const origin of ['https://evil.example', 'null', `${running.url}.evil.example`, 'http://127.0.0.1:1']) {
          const refused = await connectRefused(running.url, { transports: [...transports], extraHeaders: { cookie: alice.cookieHeader, origin } });
          assert.equal(refused.data?.error, 'permission_denied', `${origin}: ${JSON.stringify(refused)}`);
          assert.equal(refused.data.status, 403, origin);
        }
      });
    }

    it('the page’s own origin and allowedOrigins are accepted with the cookie', async () => {
      for (const origin of [running.url, 'https://app.example.com']) {
        const socket = await browserSocket(alice, TRANSPORTS[0], origin);
        try {
          const { event } = await mountAndCall(socket, 'profile', 'whoami');
          assert.deepEqual(event.result, { username: 'alice', transport: 'ws' }, origin);
        } finally {
          socket.disconnect();
        }
      }
    });

    it('a user lacking the view’s permission gets 403 on mount', async () => {
      const carol = new SessionBrowser(running.url);
      await carol.login('carol');
      const socket = await browserSocket(carol);
      try {
        const mount = await ack(socket, 'mount', { view: 'order', params: {} });
        assert.equal(mount.error, 'permission_denied');
        assert.equal(mount.status, 403);
        assert.deepEqual((await mountAndCall(socket, 'profile', 'whoami')).event.result, { username: 'carol', transport: 'ws' });
      } finally {
        socket.disconnect();
      }
    });

    it('without a login, a destroyed session or a forged cookie the socket is anonymous: public views only', async () => {
      const loggedOut = new SessionBrowser(running.url);
      await loggedOut.login('bob');
      const stale = loggedOut.clone();
      await loggedOut.logout();
      const forged = new SessionBrowser(running.url);
      forged.setCookie(sessionCookieName(adapter), randomBytes(24).toString('base64url'));
      const anonymous = new SessionBrowser(running.url);
      await anonymous.csrfToken(); // an anonymous session with a token: still nobody
      for (const [label, browser] of [['destroyed session', stale], ['forged cookie', forged], ['anonymous session', anonymous], ['no cookie', new SessionBrowser(running.url)]] as const) {
        const socket = await browserSocket(browser);
        try {
          for (const view of ['profile', 'order']) {
            const mount = await ack(socket, 'mount', { view, params: {} });
            assert.equal(mount.error, 'unauthenticated', `${label} ${view}: ${JSON.stringify(mount)}`);
            assert.equal(mount.status, 401, label);
          }
          const lobby = await mountAndCall(socket, 'lobby', 'who');
          assert.deepEqual(lobby.mount.assigns, { greeting: 'hello' }, label);
          assert.deepEqual(lobby.event.result, { user: null }, label);
        } finally {
          socket.disconnect();
        }
      }
    });

    it('a foreign Origin without cookies is not cookie-authenticated: it connects, anonymous', async () => {
      const socket = await connectSocket(running.url, { extraHeaders: { origin: 'https://evil.example' } });
      try {
        assert.equal((await ack(socket, 'mount', { view: 'profile', params: {} })).status, 401);
      } finally {
        socket.disconnect();
      }
    });
  });
}
