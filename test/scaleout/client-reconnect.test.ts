/**
 * `nestjs-djust/client` against SPEC's "reconnects by itself and re-mounts
 * every view it had": the cases the scaled-out sample test does not reach.
 * One real app (express, port 0), a real socket.io-client; the connection is
 * cut by closing the client's engine (socket.io then reconnects by itself).
 */
import { Module } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { connectDjust, watchConnection, type DjustClient, type DjustConnectionState } from '../../src/client/index.js';
import { DjustModule, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';
import { bootApp, type RunningApp } from '../support/app.js';
import { TestTokenAuth } from '../support/token-auth.js';

const IO_TIMEOUT_MS = 10_000;

/** A promise opened from outside. */
class Gate {
  open!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.open = resolve));
}

/** While `held` is set, every mount waits on it (after opening `entered`). */
const mounts: { held?: Gate; entered?: Gate; count: number } = { count: 0 };

@LiveView({ apiName: 'gated' })
class GatedView extends LiveViewBase {
  label = '';

  async mount(params: { label?: string }): Promise<void> {
    mounts.count++;
    this.label = String(params.label ?? '');
    if (mounts.held) {
      mounts.entered?.open();
      await mounts.held.promise;
    }
  }

  @EventHandler()
  echo() {
    return this.label;
  }
}

@Module({ imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth] })], providers: [TestTokenAuth, GatedView] })
class ReconnectModule {}

/** Resolves with `promise`, or rejects after a bound saying what was awaited (I/O only). */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), IO_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `probe` every 10 ms, bounded (I/O only). */
async function waitFor(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + IO_TIMEOUT_MS;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('nestjs-djust/client reconnects and mounts its views again', () => {
  let running: RunningApp;
  const clients: DjustClient[] = [];
  const connect = async (): Promise<DjustClient> => {
    const client = await connectDjust(running.url, {
      io,
      token: 'token-alice',
      timeout: IO_TIMEOUT_MS,
      socketOptions: { transports: ['websocket'], forceNew: true, reconnectionDelay: 20, reconnectionDelayMax: 50 },
    });
    clients.push(client);
    return client;
  };
  const cut = (client: DjustClient): void => {
    (client.socket as Socket).io.engine.close();
  };

  before(async () => {
    running = await bootApp(ReconnectModule, 'express');
  });
  after(async () => {
    for (const c of clients) c.close();
    await running?.close();
  });

  it('every view, with its own params, after each of several reconnects; watchConnection reports reconnecting, then live', async () => {
    const client = await connect();
    const states: DjustConnectionState[] = [];
    watchConnection(client, (s) => states.push(s));
    const a = await client.mount('gated', { label: 'a' });
    const b = await client.mount('gated', { label: 'b' });
    for (let round = 1; round <= 3; round++) {
      const refs = [a.ref, b.ref];
      cut(client);
      await waitFor(`round ${round}: both views mounted again`, () => a.ref !== refs[0] && b.ref !== refs[1] && states.at(-1) === 'live');
      assert.deepEqual([await a.call('echo'), await b.call('echo')], ['a', 'b']);
    }
    assert.deepEqual(states, ['live', 'reconnecting', 'live', 'reconnecting', 'live', 'reconnecting', 'live']);
  });

  it('watchConnection says offline once the client is closed', async () => {
    const client = await connect();
    const states: DjustConnectionState[] = [];
    watchConnection(client, (s) => states.push(s));
    client.close();
    assert.deepEqual(states, ['live', 'offline']);
  });

  // SPEC: the client "re-mounts every view it had", also when the connection
  // drops again while it re-mounts (a second failover).
  it('a view whose remount the connection cuts again is mounted on the next connection', async () => {
    const client = await connect();
    const view = await client.mount('gated', { label: 'x' });
    const firstRef = view.ref;
    mounts.held = new Gate();
    mounts.entered = new Gate();
    cut(client);
    await within(mounts.entered.promise, 'the remount to reach the server');
    cut(client); // while the remount waits
    const held = mounts.held;
    mounts.held = undefined;
    held.open();
    await waitFor('the second reconnect to settle', () => client.socket.connected && (view.ref !== firstRef || !client.views.includes(view)));
    assert.ok(client.views.includes(view), 'the view is still alive');
    await waitFor('the view mounted again', () => view.ref !== firstRef);
    assert.equal(await view.call('echo'), 'x');
  });
});

@Module({ imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth], ws: { maxSocketsPerCaller: 1 } })], providers: [TestTokenAuth, GatedView] })
class OneSocketModule {}

describe('nestjs-djust/client when the server refuses the reconnection', () => {
  let running: RunningApp;
  const sockets: Socket[] = [];

  before(async () => {
    running = await bootApp(OneSocketModule, 'express');
  });
  after(async () => {
    for (const s of sockets) s.close();
    await running?.close();
  });

  it('the views waiting for their remount die with the refusal, and their calls reject (they do not wait forever)', async () => {
    const client = await connectDjust(running.url, {
      io,
      token: 'token-bob',
      timeout: 0, // no call timeout: only the refusal can end the wait
      socketOptions: { transports: ['websocket'], forceNew: true, reconnectionDelay: 300, reconnectionDelayMax: 300, randomizationFactor: 0 },
    });
    sockets.push(client.socket as Socket);
    const view = await client.mount('gated', { label: 'v' });
    (client.socket as Socket).io.engine.close();
    // Another socket of the same caller takes the only slot before the client reconnects.
    await waitFor('another socket of bob to connect', () => {
      const other = sockets.at(-1)!;
      if (other !== client.socket && other.connected) return true;
      if (other === client.socket || !other.active) sockets.push(io(`${running.url}/djust`, { auth: { token: 'token-bob' }, transports: ['websocket'], forceNew: true, reconnection: false }));
      return false;
    });
    const call = view.call('echo');
    await assert.rejects(within(call, 'the call to reject'), (err: unknown) => (err as { status?: number; error?: string }).status === 429 && (err as { error?: string }).error === 'rate_limited');
    assert.equal(client.views.includes(view), false, 'the view is dead');
    client.close();
  });
});
