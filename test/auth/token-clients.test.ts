import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADAPTERS, bootApp, post, request, type JsonResponse, type RunningApp } from '../support/app.js';
import { DjustOpenApiService } from 'nestjs-djust';
import { ack, connectSocket, mountAndCall } from '../support/auth-socket.js';
import { shipOrder } from './readme/ws-client.js';
import { LEAKED_SECRET, signJwt, tokenAppModule, unsignedJwt } from './token-app.fixture.js';
import { checkedAck } from '../support/ws-ack.js';

const UNAUTHENTICATED = {
  error: 'unauthenticated',
  details: { auth: ['Authentication credentials were not provided or are invalid.'] },
  message: 'Authentication required.',
};

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Malformed or wrong Authorization headers: every token client answers 401 to each. */
const MALFORMED: Record<string, string>[] = [
  {},
  { authorization: '' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer ' },
  { authorization: 'Bearer  tok-alice' },
  { authorization: 'Bearer tok-alice extra' },
  { authorization: 'Bearer tok-alice, Bearer tok-bob' },
  { authorization: 'Basic YWxpY2U6YWxpY2UtcHc=' },
  { authorization: 'Token tok-alice' },
  { authorization: 'tok-alice' },
  { authorization: `Bearer ${'A'.repeat(8000)}` },
  { authorization: 'Bearer %00%0d%0a' },
  { authorization: 'Bearer ../../etc/passwd' },
  { authorization: 'Bearer {"$ne":null}' },
];

function assertUnauthenticated(res: JsonResponse, label: string): void {
  assert.equal(res.status, 401, `${label}: ${res.status} ${res.text}`);
  assert.deepEqual(res.body, UNAUTHENTICATED, label);
  assert.ok(!res.text.includes(LEAKED_SECRET), `${label} leaked`);
}

/** A WS ack for 401: the same kind, details and status as HTTP. */
function assertUnauthenticatedAck(body: any, label: string): void {
  assert.equal(body?.error, 'unauthenticated', `${label}: ${JSON.stringify(body)}`);
  assert.equal(body.status, 401, label);
  assert.deepEqual(body.details, UNAUTHENTICATED.details, label);
  assert.ok(!JSON.stringify(body).includes(LEAKED_SECRET), `${label} leaked`);
}

for (const adapter of ADAPTERS) {
  describe(`token clients: DjustAuth and Passport strategies (${adapter})`, () => {
    let running: RunningApp;
    const call = (view: string, handler: string, headers: Record<string, string>, body: unknown = {}) =>
      post(`${running.url}/djust/api/${view}/${handler}/`, body, headers);

    before(async () => {
      running = await bootApp(tokenAppModule(), adapter);
    });
    after(() => running.close());

    describe('HTTP', () => {
      it('the seed’s TokenAuth (a provider injecting a repository): the token’s user, no CSRF', async () => {
        const res = await call('seed-order', 'me', bearer('tok-bob'));
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, { result: { username: 'bob', transport: 'http' }, assigns: {} });
      });

      it('the README’s TokenAuth is documented as an http bearer scheme, without an OpenAPI warning', async () => {
        assert.deepEqual(running.app.get(DjustOpenApiService).getWarnings().filter((w) => w.authClass === 'TokenAuth'), []);
        const document = (await request(`${running.url}/djust/api/openapi.json`)).body;
        assert.deepEqual(document.paths['/djust/api/seed-order/me/'].post.security, [{ bearer: [] }]);
        assert.deepEqual(document.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' }, 'Swagger asks for the token, not an Authorization header value');
      });

      it('a passport-http-bearer strategy listed directly: validate()’s user, no CSRF', async () => {
        let res = await call('order', 'update_status', bearer('tok-alice'), { order_id: 42, status: 'shipped' });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, { result: { order_id: 42, status: 'shipped', by: 'alice' }, assigns: { status: 'shipped' } });
        // the auth scheme is case-insensitive (RFC 6750)
        res = await call('order', 'update_status', { authorization: 'bearer tok-alice' }, { order_id: 1, status: 'x' });
        assert.equal(res.status, 200, res.text);
      });

      it('a passport-jwt strategy listed directly: validate(payload)’s user, no CSRF', async () => {
        const res = await call('jwt', 'me', bearer(signJwt({ sub: 3 })));
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body.result, { username: 'carol', transport: 'http' });
      });

      it('expired, wrongly signed, unsigned, tampered or garbage JWTs → 401', async () => {
        const valid = signJwt({ sub: 1 });
        const [header, , signature] = valid.split('.');
        const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 4, exp: 4102444800 })).toString('base64url')}.${signature}`;
        const cases: Record<string, string> = {
          expired: signJwt({ sub: 1, exp: Math.floor(Date.now() / 1000) - 3600 }, undefined, {}),
          'not yet valid': signJwt({ sub: 1, nbf: Math.floor(Date.now() / 1000) + 3600 }),
          'other secret': signJwt({ sub: 1 }, 'not-the-secret'),
          'alg none': unsignedJwt({ sub: 1 }),
          tampered,
          'unknown user': signJwt({ sub: 999 }),
          'no sub': signJwt({ name: 'alice' }),
          garbage: 'abc.def.ghi',
          'not a jwt': 'tok-alice',
        };
        for (const [label, token] of Object.entries(cases)) assertUnauthenticated(await call('jwt', 'me', bearer(token)), label);
      });

      it('malformed Authorization headers → 401 for every kind of token client', async () => {
        for (const view of ['seed-order', 'jwt', 'order', 'fallback']) {
          for (const headers of MALFORMED) {
            const handler = view === 'order' ? 'refund' : 'me';
            assertUnauthenticated(await call(view, handler, headers, { order_id: 1 }), `${view} ${JSON.stringify(headers).slice(0, 60)}`);
          }
        }
      });

      it('unknown tokens → 401', async () => {
        for (const view of ['seed-order', 'order']) {
          assertUnauthenticated(await call(view, view === 'order' ? 'refund' : 'me', bearer('tok-mallory'), { order_id: 1 }), view);
        }
      });

      it('a strategy whose validate() throws: 401 alone, the next class otherwise; never 500, never its message', async () => {
        assertUnauthenticated(await call('exploding', 'me', bearer('tok-alice')), 'exploding alone');
        assertUnauthenticated(await call('exploding', 'me', {}), 'exploding, no token');
        // ExplodingAuth throws, RefusingAuth throws UnauthorizedException, TokenAuth accepts
        const res = await call('fallback', 'me', bearer('tok-alice'));
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body.result, { username: 'alice', transport: 'http' });
        assertUnauthenticated(await call('fallback', 'me', bearer('tok-mallory')), 'fallback, unknown token');
      });

      it('token clients need no session: GET /djust/api/csrf is 404 without a session middleware', async () => {
        const res = await request(`${running.url}/djust/api/csrf`);
        assert.equal(res.status, 404);
        assert.equal(res.body.error, 'not_found');
      });
    });

    describe('WS (handshake.auth.token counts as Authorization: Bearer)', () => {
      it('the README client: BearerAuth over socket.io', async () => {
        const ackBody = checkedAck(await shipOrder(running.url, 'tok-alice'));
        assert.deepEqual(ackBody, { result: { order_id: 42, status: 'shipped', by: 'alice' }, assigns: { status: 'shipped' } });
      });

      it('TokenAuth, passport-jwt and the fallback chain authenticate the socket', async () => {
        const cases: [string, string, string][] = [
          ['seed-order', 'tok-bob', 'bob'],
          ['jwt', signJwt({ sub: 4 }), 'root'],
          ['fallback', 'tok-carol', 'carol'],
        ];
        for (const [view, token, username] of cases) {
          const socket = await connectSocket(running.url, { auth: { token } });
          try {
            const { mount, event } = await mountAndCall(socket, view, 'me');
            assert.equal(typeof mount.ref, 'string', `${view}: ${JSON.stringify(mount)}`);
            assert.deepEqual(event, { result: { username, transport: 'ws' }, assigns: {} });
          } finally {
            socket.disconnect();
          }
        }
      });

      it('an Authorization header on the handshake works too', async () => {
        const socket = await connectSocket(running.url, { extraHeaders: bearer('tok-bob') });
        try {
          const { event } = await mountAndCall(socket, 'seed-order', 'me');
          assert.deepEqual(event.result, { username: 'bob', transport: 'ws' });
        } finally {
          socket.disconnect();
        }
      });

      it('bad, expired and exploding tokens leave the socket anonymous: 401 acks, no leak', async () => {
        const cases: [string, unknown][] = [
          ['jwt', signJwt({ sub: 1, exp: Math.floor(Date.now() / 1000) - 60 }, undefined, {})],
          ['jwt', unsignedJwt({ sub: 1 })],
          ['jwt', 'garbage'],
          ['seed-order', 'tok-mallory'],
          ['seed-order', 42],
          ['seed-order', { $ne: null }],
          ['exploding', 'tok-alice'],
          ['order', 'Bearer tok-alice'],
        ];
        for (const [view, token] of cases) {
          const socket = await connectSocket(running.url, { auth: { token } });
          try {
            const mount = await ack(socket, 'mount', { view, params: {} });
            assertUnauthenticatedAck(mount, `${view} ${String(token).slice(0, 20)}`);
            assert.ok(!JSON.stringify(mount).includes(LEAKED_SECRET));
          } finally {
            socket.disconnect();
          }
        }
      });
    });
  });
}
