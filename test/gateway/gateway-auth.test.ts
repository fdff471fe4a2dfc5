/**
 * Authentication against the handshake, on express and fastify:
 * `handshake.auth.token` and headers as bearer tokens, cookie sessions
 * (express-session on the engine), anonymous sockets, the Origin policy for
 * cookie-carrying sockets, and the session re-check before every mount/event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DjustClientError } from '../../src/client/index.js';
import { ADAPTERS } from '../support/app.js';
import { gatewayModule } from './gateway.fixture.js';
import { bootGatewayApp, emitAck, untilDisconnected, type GatewayApp } from './ws-test.helpers.js';

const UNAUTHENTICATED = { error: 'unauthenticated', details: { auth: ['Authentication credentials were not provided or are invalid.'] }, status: 401 };
const FORBIDDEN = { error: 'permission_denied', details: { permission: ['You do not have permission to perform this action.'] }, status: 403 };
const SESSION_ENDED = { error: 'unauthenticated', details: { auth: ['The session has ended; reconnect to authenticate again.'] }, status: 401 };
const ORIGIN_REFUSED = {
  error: 'permission_denied',
  details: { origin: ['Cross-origin connections with cookies are refused; add the origin to allowedOrigins to allow it.'] },
  status: 403,
};

async function refused(connect: Promise<unknown>): Promise<DjustClientError> {
  try {
    await connect;
  } catch (err) {
    assert.ok(err instanceof DjustClientError, String(err));
    return err;
  }
  throw new Error('the connection was accepted');
}

for (const adapter of ADAPTERS) {
  describe(`gateway auth (${adapter})`, () => {
    let app: GatewayApp;
    let strict: GatewayApp;

    before(async () => {
      app = await bootGatewayApp(gatewayModule(), adapter);
      strict = await bootGatewayApp(gatewayModule({ djust: { allowedOrigins: ['https://app.example.com'] } }), adapter);
    });
    after(async () => {
      await app.close();
      await strict.close();
    });

    it('reads handshake.auth.token as a bearer token', async () => {
      const client = await app.client({ token: 'u:alice' });
      const view = await client.mount('private');
      assert.deepEqual(view.assigns, { owner: 'alice' });
    });

    it('reads an Authorization header of the handshake; it wins over handshake.auth.token', async () => {
      const socket = await app.socket({ headers: { authorization: 'Bearer u:bob' }, token: 'u:alice' });
      assert.deepEqual((await emitAck(socket, 'mount', { view: 'private' })).assigns, { owner: 'bob' });
    });

    it('an anonymous socket mounts public views only: 401 for login or permission views, as at HTTP', async () => {
      const socket = await app.socket();
      const { ref } = await emitAck(socket, 'mount', { view: 'counter' });
      assert.equal((await emitAck(socket, 'event', { ref, handler: 'whoami' })).result.user, null);
      assert.deepEqual(await emitAck(socket, 'mount', { view: 'private' }), UNAUTHENTICATED);
      assert.deepEqual(await emitAck(socket, 'mount', { view: 'report' }), UNAUTHENTICATED);
      const badToken = await app.socket({ token: 'not-a-user' });
      assert.deepEqual(await emitAck(badToken, 'mount', { view: 'private' }), UNAUTHENTICATED);
    });

    it('an authenticated socket lacking the view permission gets 403; with it, the view', async () => {
      const carol = await app.socket({ token: 'u:carol' });
      assert.deepEqual(await emitAck(carol, 'mount', { view: 'report' }), FORBIDDEN);
      const dave = await app.socket({ token: 'u:dave:reports.view' });
      assert.deepEqual((await emitAck(dave, 'mount', { view: 'report' })).assigns, { rows: 3 });
    });

    it('authenticates a cookie socket through SessionAuth from its session', async () => {
      const { cookie } = await app.login({ id: 'sam', username: 'sam' });
      const socket = await app.socket({ headers: { cookie } });
      assert.deepEqual((await emitAck(socket, 'mount', { view: 'private' })).assigns, { owner: 'sam' });
      const sameOrigin = await app.socket({ headers: { cookie, origin: app.url } });
      assert.deepEqual((await emitAck(sameOrigin, 'mount', { view: 'private' })).assigns, { owner: 'sam' });
    });

    it('refuses a cookie socket from a foreign Origin with a connect_error carrying the error', async () => {
      const { cookie } = await app.login({ id: 'sam', username: 'sam' });
      for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:1', 'not a url']) {
        for (const transports of [['websocket'], ['polling']] as const) {
          const err = await refused(app.client({ headers: { cookie, origin }, transports: [...transports] }));
          assert.deepEqual({ error: err.error, details: err.details, status: err.status }, ORIGIN_REFUSED, `${origin} ${transports[0]}`);
        }
      }
    });

    it('lets a cookie socket in from an allowedOrigins origin, and cookieless sockets from anywhere', async () => {
      const { cookie } = await strict.login({ id: 'sam', username: 'sam' });
      const listed = await strict.socket({ headers: { cookie, origin: 'https://APP.example.com:443' } });
      assert.deepEqual((await emitAck(listed, 'mount', { view: 'private' })).assigns, { owner: 'sam' });
      const err = await refused(strict.client({ headers: { cookie, origin: 'https://other.example.com' } }));
      assert.equal(err.status, 403);
      const tokenOnly = await strict.socket({ headers: { origin: 'https://other.example.com' }, token: 'u:alice' });
      assert.deepEqual((await emitAck(tokenOnly, 'mount', { view: 'private' })).assigns, { owner: 'alice' });
    });

    it('re-checks the session before each event: a destroyed session acks 401 and closes the socket', async () => {
      const { cookie, sid } = await app.login({ id: 'sam', username: 'sam' });
      const socket = await app.socket({ headers: { cookie } });
      const { ref } = await emitAck(socket, 'mount', { view: 'private' });
      assert.equal((await emitAck(socket, 'event', { ref, handler: 'whoami' })).result, 'sam');
      await new Promise<void>((resolve) => app.store.destroy(sid, () => resolve()));
      const gone = untilDisconnected(socket);
      assert.deepEqual(await emitAck(socket, 'event', { ref, handler: 'whoami' }), SESSION_ENDED);
      assert.equal(await gone, 'io server disconnect');
    });

    it('re-checks the session before each mount: a logout (user removed) acks 401', async () => {
      const { cookie, sid } = await app.login({ id: 'sam', username: 'sam' });
      const socket = await app.socket({ headers: { cookie } });
      await emitAck(socket, 'mount', { view: 'private' });
      await new Promise<void>((resolve) => app.store.set(sid, { cookie: { originalMaxAge: null } } as never, () => resolve()));
      const gone = untilDisconnected(socket);
      assert.deepEqual(await emitAck(socket, 'mount', { view: 'counter' }), SESSION_ENDED);
      await gone;
    });

    it('treats another user in the same session as an ended session', async () => {
      const { cookie, sid } = await app.login({ id: 'sam', username: 'sam' });
      const client = await app.client({ headers: { cookie } });
      const view = await client.mount('private');
      await new Promise<void>((resolve) => app.store.set(sid, { cookie: { originalMaxAge: null }, user: { id: 'eve', username: 'eve' } } as never, () => resolve()));
      await assert.rejects(view.call('whoami'), (err: DjustClientError) => err.status === 401 && err.error === 'unauthenticated');
    });

    it('leaves sockets without a session user alone (nothing to expire), and keeps a live session working', async () => {
      const { cookie } = await app.login({ id: 'sam', username: 'sam' });
      const client = await app.client({ headers: { cookie } });
      const view = await client.mount('counter');
      for (let i = 1; i <= 3; i++) assert.equal(await view.call('increment'), i);
      const anonymous = await app.client({ headers: { cookie: 'connect.sid=s%3Aunknown.sig' } });
      const counter = await anonymous.mount('counter');
      assert.equal(await counter.call('increment'), 1);
    });
  });
}
