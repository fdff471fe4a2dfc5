import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { ADAPTERS, bootApp, post, type JsonResponse, type RunningApp } from '../support/app.js';
import { ack, connectSocket } from '../support/auth-socket.js';
import { GUARD_SECRET, GateControl, permissionsAppModule, type GateMode } from './permissions-app.fixture.js';

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const USERS = ['alice', 'bob', 'carol', 'root', 'dave'] as const;
type Caller = (typeof USERS)[number] | 'anonymous';

/**
 * Expected status per (view, handler, caller), the same on both transports.
 * alice: manager role (view, change, audit — audit only through the async PermissionService);
 * bob: clerk (view); carol: nothing; root: superuser; dave: manager but suspended (NotSuspendedGuard).
 */
const MATRIX: { view: string; handler: string; body: unknown; expect: Record<Caller, number> }[] = [
  { view: 'account', handler: 'me', body: {}, expect: { alice: 200, bob: 200, carol: 200, root: 200, dave: 200, anonymous: 401 } },
  { view: 'audit', handler: 'summary', body: {}, expect: { alice: 200, bob: 403, carol: 403, root: 200, dave: 200, anonymous: 401 } },
  { view: 'audit', handler: 'export', body: {}, expect: { alice: 403, bob: 403, carol: 403, root: 200, dave: 403, anonymous: 401 } },
  { view: 'order', handler: 'update_status', body: { order_id: 1, status: 'x' }, expect: { alice: 200, bob: 200, carol: 403, root: 200, dave: 403, anonymous: 401 } },
  { view: 'order', handler: 'refund', body: { order_id: 1 }, expect: { alice: 200, bob: 403, carol: 403, root: 200, dave: 403, anonymous: 401 } },
];

const ERROR_OF: Record<number, string> = { 401: 'unauthenticated', 403: 'permission_denied' };
const PERMISSION_DETAILS = { permission: ['You do not have permission to perform this action.'] };

/** A WS call: mount, then the event; the status of whichever failed, else 200. */
async function wsStatus(socket: Socket, view: string, handler: string, params: unknown): Promise<{ status: number; body: any }> {
  const mount = await ack(socket, 'mount', { view, params: {} });
  if (typeof mount?.ref !== 'string') return { status: mount.status, body: mount };
  const event = await ack(socket, 'event', { ref: mount.ref, handler, params });
  await ack(socket, 'unmount', { ref: mount.ref });
  return event?.error ? { status: event.status, body: event } : { status: 200, body: event };
}

function assertRefusal(status: number, body: any, expected: number, label: string): void {
  assert.equal(status, expected, `${label}: ${JSON.stringify(body)}`);
  if (expected === 200) return;
  assert.equal(body.error, ERROR_OF[expected], label);
  if (expected === 403) assert.deepEqual(body.details, PERMISSION_DETAILS, label);
  assert.ok(!JSON.stringify(body).includes(GUARD_SECRET), `${label} leaked`);
}

for (const adapter of ADAPTERS) {
  describe(`permissions and guards, HTTP and WS (${adapter})`, () => {
    let running: RunningApp;
    let gate: GateControl;
    const sockets = new Map<Caller, Socket>();
    const http = (view: string, handler: string, caller: Caller, body: unknown = {}): Promise<JsonResponse> =>
      post(`${running.url}/djust/api/${view}/${handler}/`, body, caller === 'anonymous' ? {} : bearer(`tok-${caller}`));

    before(async () => {
      running = await bootApp(permissionsAppModule(), adapter);
      gate = running.app.get(GateControl);
      for (const caller of [...USERS, 'anonymous'] as const) {
        sockets.set(caller, await connectSocket(running.url, caller === 'anonymous' ? {} : { auth: { token: `tok-${caller}` } }));
      }
    });
    after(async () => {
      for (const socket of sockets.values()) socket.disconnect();
      await running.close();
    });
    beforeEach(() => {
      gate.mode = 'allow';
      gate.visits.length = 0;
    });

    for (const row of MATRIX) {
      it(`${row.view}.${row.handler}: @LoginRequired / @PermissionRequired (view + handler) / async hasPermission, identical on both transports`, async () => {
        for (const caller of [...USERS, 'anonymous'] as const) {
          const expected = row.expect[caller];
          const res = await http(row.view, row.handler, caller, row.body);
          assertRefusal(res.status, res.body, expected, `HTTP ${caller}`);
          const ws = await wsStatus(sockets.get(caller)!, row.view, row.handler, row.body);
          assertRefusal(ws.status, ws.body, expected, `WS ${caller}`);
        }
      });
    }

    it('an anonymous socket may mount a view requiring neither login nor permission; HTTP still needs a user', async () => {
      const ws = await wsStatus(sockets.get('anonymous')!, 'gated', 'open', {});
      assert.equal(ws.status, 200, JSON.stringify(ws.body));
      assert.equal((await http('gated', 'open', 'anonymous')).status, 401);
      assert.ok(gate.visits.every((v) => v.user === null));
    });

    it('a handler’s @UseGuards() runs on both transports with the djust user and context', async () => {
      let res = await http('audit', 'gated', 'alice', { x: 1 });
      assert.equal(res.status, 200, res.text);
      const ws = await wsStatus(sockets.get('alice')!, 'audit', 'gated', { x: 1 });
      assert.equal(ws.status, 200, JSON.stringify(ws.body));
      assert.deepEqual(gate.visits, [
        { type: 'http', user: 'alice', viewClass: 'AuditView', handler: 'gated', pattern: undefined, data: undefined },
        { type: 'ws', user: 'alice', viewClass: 'AuditView', handler: 'gated', pattern: 'gated', data: { handler: 'gated', params: { x: 1 } } },
      ]);
      // after the permission checks: bob fails the view's permission, the guard never sees him
      gate.visits.length = 0;
      res = await http('audit', 'gated', 'bob');
      assert.equal(res.status, 403);
      assert.equal((await wsStatus(sockets.get('bob')!, 'audit', 'gated', {})).status, 403);
      assert.deepEqual(gate.visits, []);
    });

    const refusals: [GateMode, number][] = [
      ['deny', 403],
      ['deny-async', 403],
      ['deny-observable', 403],
      ['unauthorized', 401],
      ['crash', 403],
    ];
    for (const [mode, status] of refusals) {
      it(`a guard that ${mode === 'crash' ? 'throws an Error' : mode === 'unauthorized' ? 'throws UnauthorizedException' : `answers ${mode}`} → ${status} on both transports, nothing leaked`, async () => {
        gate.mode = mode;
        const res = await http('audit', 'gated', 'alice');
        assertRefusal(res.status, res.body, status, `HTTP ${mode}`);
        assert.ok(!res.text.includes(GUARD_SECRET));
        const ws = await wsStatus(sockets.get('alice')!, 'audit', 'gated', {});
        assertRefusal(ws.status, ws.body, status, `WS ${mode}`);
      });
    }

    it('a view class’s @UseGuards() runs on HTTP calls, on WS mount and again on every WS event', async () => {
      assert.equal((await http('gated', 'open', 'bob')).status, 200);
      gate.mode = 'deny';
      assert.equal((await http('gated', 'open', 'bob')).status, 403);
      const socket = sockets.get('bob')!;
      const refused = await ack(socket, 'mount', { view: 'gated', params: {} });
      assert.equal(refused.status, 403);
      gate.mode = 'allow';
      const mount = await ack(socket, 'mount', { view: 'gated', params: { a: 1 } });
      assert.deepEqual(mount.assigns, { opened: false });
      gate.mode = 'deny';
      const event = await ack(socket, 'event', { ref: mount.ref, handler: 'open', params: {} });
      assert.equal(event.status, 403);
      assert.equal(event.error, 'permission_denied');
      gate.mode = 'allow';
      const opened = await ack(socket, 'event', { ref: mount.ref, handler: 'open', params: {} });
      assert.deepEqual(opened, { result: { opened: true }, assigns: { opened: true } });
      const ws = gate.visits.filter((v) => v.type === 'ws');
      assert.deepEqual(
        ws.map((v) => [v.viewClass, v.handler, v.pattern]),
        [
          ['GatedView', 'mount', 'mount'],
          ['GatedView', 'mount', 'mount'],
          ['GatedView', 'mount', 'mount'],
          ['GatedView', 'mount', 'mount'],
        ],
      );
      assert.deepEqual(ws[1].data, { view: 'gated', params: { a: 1 } });
      assert.deepEqual(ws[2].data, { handler: 'open', params: {} });
      assert.ok(ws.every((v) => v.user === 'bob'));
    });

    it('DjustPermissionGuard enforces @PermissionRequired on an ordinary controller with the same hasPermission', async () => {
      const refund = (headers: Record<string, string>) => post(`${running.url}/orders/5/refund`, {}, headers);
      let res = await refund(bearer('tok-alice'));
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { refunded: 5 });
      res = await refund(bearer('tok-root'));
      assert.equal(res.status, 200);
      for (const user of ['bob', 'carol']) assert.equal((await refund(bearer(`tok-${user}`))).status, 403, user);
      for (const headers of [{}, bearer('tok-mallory'), { authorization: 'Bearer' }]) assert.equal((await refund(headers)).status, 401);
    });
  });
}
