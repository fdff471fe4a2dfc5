import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import session from 'express-session';
import { bootApp, request, type RunningApp } from '../support/app.js';
import { SessionBrowser, csrfHeader } from '../support/auth-browser.js';
import { FlakySessionStore } from '../hardening/support/flaky-session.store.js';
import { startSample, type RunningSample } from '../sample/sample-support.js';
import { SESSION_SECRET, sessionAppModule } from './session-app.fixture.js';

// GET /<prefix>/api/csrf must not grow server state for anonymous callers: a
// token is issued only to a caller an auth class that requires CSRF accepts
// (a logged-in session). Anyone else gets 401 and the session is not touched,
// so `saveUninitialized: false` stores nothing and sets no cookie.

const ANONYMOUS_REQUESTS = 200;

const UNAUTHENTICATED = {
  error: 'unauthenticated',
  details: { auth: ['Authentication credentials were not provided or are invalid.'] },
  message: 'Authentication required.',
};

/** Sends `count` anonymous GET /djust/api/csrf (no cookie), checks each answer. */
async function anonymousCsrf(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await request(`${url}/djust/api/csrf`);
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(res.body, UNAUTHENTICATED);
    assert.deepEqual(res.headers.getSetCookie(), [], 'an anonymous caller got a session cookie');
  }
}

describe('anonymous GET /djust/api/csrf on the sample (express-session, MemoryStore)', () => {
  const store = new session.MemoryStore();
  const storedSessions = () =>
    new Promise<number>((resolve, reject) => store.length((err, length) => (err ? reject(err) : resolve(length ?? 0))));
  let sample: RunningSample;
  before(async () => {
    sample = await startSample({ sessionStore: store });
  });
  after(() => sample.close());

  it(`${ANONYMOUS_REQUESTS} anonymous requests store no session and set no cookie`, async () => {
    await anonymousCsrf(sample.url, ANONYMOUS_REQUESTS);
    assert.equal(await storedSessions(), 0);
  });

  it('a logged-in session gets its token; asking again stores nothing new and gives the same token', async () => {
    const browser = new SessionBrowser(sample.url);
    assert.equal((await browser.post('/login', { username: 'admin', password: 'admin' })).status, 200);
    assert.equal(await storedSessions(), 1);
    const token = await browser.csrfToken();
    assert.match(token ?? '', /^[A-Za-z0-9_-]{43}$/);
    for (let i = 0; i < 5; i++) assert.equal(await browser.csrfToken(), token);
    assert.equal(await storedSessions(), 1);
    const shipped = await browser.call('order', 'update_status', { order_id: 42, status: 'shipped' }, csrfHeader(token!));
    assert.equal(shipped.status, 200, shipped.text);
  });
});

describe('anonymous GET /djust/api/csrf (fastify, @fastify/session)', () => {
  const store = new FlakySessionStore();
  let running: RunningApp;
  before(async () => {
    running = await bootApp(sessionAppModule('fastify'), 'fastify', async (app) => {
      const fastify = app as unknown as { register(plugin: unknown, options?: unknown): Promise<unknown> };
      await fastify.register(fastifyCookie);
      await fastify.register(fastifySession, { secret: SESSION_SECRET, store, saveUninitialized: false, cookie: { secure: false } });
    });
  });
  after(() => running.close());

  it(`${ANONYMOUS_REQUESTS} anonymous requests store no session and set no cookie`, async () => {
    await anonymousCsrf(running.url, ANONYMOUS_REQUESTS);
    assert.equal(store.size, 0);
  });

  it('a logged-in session gets its token, stored once', async () => {
    const browser = new SessionBrowser(running.url);
    assert.equal((await browser.login('alice')).status, 200);
    const token = await browser.csrfToken();
    assert.match(token ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await browser.csrfToken(), token);
    assert.equal(store.size, 1);
    assert.equal((await browser.call('note', 'save', {}, csrfHeader(token!))).status, 200);
  });
});
