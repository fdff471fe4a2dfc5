/**
 * Self-test of the load-balancer support: the committed HAProxy config
 * (deploy/haproxy/haproxy.cfg, rendered by test/support/haproxy.ts) in front of
 * two plain backend processes (node http + socket.io, no djust). HTTP and
 * socket.io — WebSocket only, and long-polling upgraded to WebSocket — pass
 * through; the stickiness cookie picks the backend; when one backend is
 * SIGKILLed, a reconnecting socket.io-client lands on the other, and HAProxy's
 * health check marks the dead one DOWN.
 *
 * Waits here are bounded waits for I/O (process start, reconnection, health
 * checks), never timing assertions.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { startAppProcess, type AppProcess } from './app-process.js';
import { renderHaproxyConfig, startHaproxy, type HaproxyHandle } from './haproxy.js';

const BACKEND = fileURLToPath(new URL('./plain-backend.main.js', import.meta.url));
const WAIT_MS = 15_000;

/** Resolves with `promise`, or rejects after `ms` saying what was awaited (a bounded wait for I/O). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `probe` every 50 ms for at most `ms` (a bounded wait for I/O). */
async function waitFor(what: string, probe: () => Promise<boolean>, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const connected = (socket: Socket): Promise<void> =>
  within(
    new Promise<void>((resolve, reject) => {
      if (socket.connected) return resolve();
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    }),
    WAIT_MS,
    'the socket.io connection',
  );

const whoami = (socket: Socket): Promise<{ name: string; transport: string }> => socket.timeout(WAIT_MS).emitWithAck('whoami');

describe('renderHaproxyConfig', () => {
  const template = ['global', '    log stderr format raw local0', 'frontend f', '    bind 127.0.0.1:3000', 'backend b', '    http-check send meth GET uri /old ver HTTP/1.1', '    server app1 127.0.0.1:3001 check cookie app1', '    server app2 127.0.0.1:3002 check cookie app2', ''].join('\n');

  it('replaces bind, servers and health path, and adds the runtime socket', () => {
    const out = renderHaproxyConfig(template, { bind: '127.0.0.1:9', backends: [{ name: 'x', port: 7 }], healthPath: '/healthz', statsSocket: '/tmp/s.sock' });
    assert.equal(
      out,
      ['global', '    stats socket /tmp/s.sock mode 600 level admin', '    log stderr format raw local0', 'frontend f', '    bind 127.0.0.1:9', 'backend b', '    http-check send meth GET uri /healthz ver HTTP/1.1', '    server x 127.0.0.1:7 check cookie x', ''].join('\n'),
    );
  });

  it('refuses a template whose shape changed', () => {
    assert.throws(() => renderHaproxyConfig(template.replace(/^ +bind .*$/m, ''), { bind: '127.0.0.1:9', backends: [{ name: 'x', port: 7 }] }), /changed shape/);
  });
});

describe('HAProxy (deploy/haproxy/haproxy.cfg) in front of two plain backends', () => {
  let backends: AppProcess[] = [];
  let lb: HaproxyHandle;
  const sockets: Socket[] = [];
  const client = (options: Parameters<typeof io>[1]): Socket => {
    const socket = io(lb.url, { reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0, ...options });
    sockets.push(socket);
    return socket;
  };
  const backendNamed = (name: string): AppProcess => backends.find((b) => b.name === name)!;

  before(async () => {
    backends = await Promise.all(['a', 'b'].map((name) => startAppProcess(BACKEND, { name, env: { BACKEND_NAME: name } })));
    lb = await startHaproxy({ backends: backends.map((b) => ({ name: b.name, port: b.port })), healthPath: '/healthz' });
  });

  after(async () => {
    for (const socket of sockets) socket.close();
    await lb?.stop();
    await Promise.all(backends.map((b) => b.stop()));
  });

  it('passes HTTP through, sets the stickiness cookie, and routes by it', async () => {
    const first = await fetch(`${lb.url}/whoami`);
    assert.equal(first.status, 200);
    const body = (await first.json()) as { name: string; forwardedFor: string };
    assert.ok(['a', 'b'].includes(body.name));
    assert.equal(body.forwardedFor, '127.0.0.1');
    assert.match(first.headers.get('set-cookie') ?? '', new RegExp(`^djust_lb=${body.name};.*HttpOnly`, 'i'));

    for (const name of ['a', 'b']) {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${lb.url}/whoami`, { headers: { cookie: `djust_lb=${name}` } });
        assert.equal(((await res.json()) as { name: string }).name, name);
      }
    }
  });

  it('passes a socket.io WebSocket (no long-polling) through', async () => {
    const socket = client({ transports: ['websocket'] });
    await connected(socket);
    const me = await whoami(socket);
    assert.ok(['a', 'b'].includes(me.name));
    assert.equal(me.transport, 'websocket');
    socket.close();
  });

  it('keeps a long-polling client on one backend (cookie) until it upgrades to WebSocket', async () => {
    // withCredentials: socket.io-client in Node keeps cookies (the stickiness cookie) only with it.
    const socket = client({ withCredentials: true });
    const upgraded = within(new Promise<void>((resolve) => socket.io.engine.once('upgrade', () => resolve())), WAIT_MS, 'the upgrade to WebSocket');
    await connected(socket);
    const before = await whoami(socket);
    await upgraded;
    const after = await whoami(socket);
    assert.equal(after.transport, 'websocket');
    assert.equal(after.name, before.name);
    socket.close();
  });

  it('when a backend is SIGKILLed, a reconnecting client lands on the other', async () => {
    const socket = client({ transports: ['websocket'] });
    await connected(socket);
    const victim = (await whoami(socket)).name;
    const survivor = victim === 'a' ? 'b' : 'a';
    const reconnected = within(new Promise<void>((resolve) => socket.once('disconnect', () => socket.once('connect', () => resolve()))), WAIT_MS, 'the reconnection');

    await backendNamed(victim).kill();
    await reconnected;
    assert.equal((await whoami(socket)).name, survivor);

    // A long-polling client whose cookie still names the dead backend is redispatched.
    const pinned = client({ extraHeaders: { cookie: `djust_lb=${victim}` } });
    await connected(pinned);
    assert.equal((await whoami(pinned)).name, survivor);

    // And the health check notices.
    await waitFor(`HAProxy to mark ${victim} DOWN`, async () => ((await lb.servers())[victim]?.status ?? '').startsWith('DOWN'));
    assert.equal((await lb.servers())[survivor]?.status, 'UP');
  });
});
