/**
 * The sample scaled out, as deploy/README.md runs it: three `node
 * .build/sample/main.js` processes on one real PostgreSQL and one real
 * redis-server (`DATABASE_URL`, `REDIS_URL`, one `SESSION_SECRET`,
 * `TRUST_PROXY=loopback`), behind the real HAProxy with the committed
 * deploy/haproxy/haproxy.cfg. A headless Chromium page and a Node
 * `nestjs-djust/client` go through the balancer.
 *
 * - A session made through the balancer is valid on every process.
 * - The page sees an order shipped by an HTTP call that another process served.
 * - A rate limit counts the calls of every process exactly.
 * - SIGKILL of the process that holds the page's socket (and the Node
 *   client's): both reconnect through the balancer to another process, mount
 *   their views again (the page says "reconnecting…" meanwhile), the next
 *   event works, and every change published after the remount reaches them.
 *
 * Waits are bounded waits for I/O (process start, pushes, reconnection),
 * never timing assertions.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import type { Order, OrderStatus } from '../../sample/orders/order.model.js';
import { connectDjust, watchConnection, type DjustClient, type DjustConnectionState, type MountedViewHandle } from '../../src/client/index.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { startHaproxy, type HaproxyHandle } from '../support/haproxy.js';
import { startPostgres, type PostgresServerHandle } from '../support/postgres-server.js';
import { startRedis, type RedisServerHandle } from '../support/redis-server.js';

const SAMPLE = fileURLToPath(new URL('../../sample/main.js', import.meta.url));
/** What sample/main.ts prints once it listens. */
const SAMPLE_LISTENING = /Page\s+http:\/\/\S+?:(\d+)\//;
const REPLICAS = 3;
/** Bound on the sample processes' start, ms (three Nest apps booting at once on a loaded 2-core machine). */
const START_TIMEOUT_MS = 90_000;
/** Bound on the browser's and the clients' I/O (page load, pushes, reconnection), ms. */
const IO_TIMEOUT_MS = 20_000;
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// On CI a missing Chromium is a failure, not a skip (.ci/run installs it).
const missing = !existsSync(CHROMIUM);
const skip = missing && process.env.CI !== 'true' ? `${CHROMIUM} not installed (apt-get install chromium)` : false;

/** A session cookie from logging in through `url`. */
async function login(url: string, username: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password: username }),
  });
  assert.equal(res.status, 200, `login ${username}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('connect.sid='));
  assert.ok(cookie, 'login set a session cookie');
  return cookie;
}

/** Headers that send a request through the balancer to the process named `server`, with a session cookie. */
const pinned = (server: string, session?: string): Record<string, string> => ({ cookie: [`djust_lb=${server}`, session].filter(Boolean).join('; ') });

/** Whether HAProxy served a pinned request from the pinned process (it sets its cookie again only when it picked another). */
const servedByPinned = (res: Response): boolean => !/djust_lb=/.test(res.headers.get('set-cookie') ?? '');

/** Polls `probe` every 25 ms for at most `ms` (a bounded wait for I/O). */
async function waitFor(what: string, probe: () => boolean | Promise<boolean>, ms = IO_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(`the sample, ${REPLICAS} processes behind HAProxy, on one PostgreSQL and one Redis`, { skip }, () => {
  let postgres: PostgresServerHandle;
  let redis: RedisServerHandle;
  let apps: AppProcess[] = [];
  let lb: HaproxyHandle;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let client: DjustClient | undefined;
  const row = (id: number, status: string) => `tr[data-order-id="${id}"][data-status="${status}"]`;
  const app = (name: string): AppProcess => apps.find((a) => a.name === name)!;
  /** The process the page's requests, its socket included, go to: the balancer's cookie in the browser. */
  const pageServer = async (): Promise<string> => {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'djust_lb');
    assert.ok(cookie, 'the balancer set its cookie in the browser');
    return cookie.value;
  };

  /** Ships an order through the balancer on the process `server`, as `session`, and checks that process answered. */
  async function setStatusOn(server: string, session: string, orderId: number, status: OrderStatus): Promise<void> {
    const csrf = await fetch(`${lb.url}/djust/api/csrf`, { headers: pinned(server, session) });
    assert.ok(servedByPinned(csrf), `csrf served by ${server}`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await fetch(`${lb.url}/djust/api/order/update_status/`, {
      method: 'POST',
      headers: { ...pinned(server, session), 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ order_id: orderId, status }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok(servedByPinned(res), `update_status served by ${server}`);
    assert.deepEqual(await res.json(), { result: { order_id: orderId, status }, assigns: {} });
  }

  before(async () => {
    assert.ok(!missing, `${CHROMIUM} is missing: install the Debian chromium package`);
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const env = { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: postgres.url, REDIS_URL: redis.url, SESSION_SECRET: 'scaleout-test-secret', TRUST_PROXY: 'loopback' };
    apps = await Promise.all(
      Array.from({ length: REPLICAS }, (_, i) => startAppProcess(SAMPLE, { name: `app${i + 1}`, env, listening: SAMPLE_LISTENING, timeoutMs: START_TIMEOUT_MS })),
    );
    lb = await startHaproxy({ backends: apps.map((a) => ({ name: a.name, port: a.port })), readyTimeoutMs: 30_000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage();
    page.setDefaultTimeout(IO_TIMEOUT_MS);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  after(async () => {
    client?.close();
    await browser?.close();
    await lb?.stop();
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  it('a session made through the balancer is valid on every process', async () => {
    const session = await login(lb.url, 'viewer');
    for (const a of apps) {
      const res = await fetch(`${a.url}/me`, { headers: { cookie: session } });
      assert.equal(res.status, 200, `GET /me on ${a.name}`);
      assert.equal(((await res.json()) as { user: { username: string } }).user.username, 'viewer');
    }
  });

  it('the page, logged in through the balancer, sees an order shipped by an HTTP call that another process served', async () => {
    await page.goto(`${lb.url}/`);
    await page.fill('#username', 'admin');
    await page.fill('#password', 'admin');
    await page.click('#login');
    await page.waitForSelector('#connection[data-state="live"]');
    await page.waitForSelector(row(43, 'new'));
    const holder = await pageServer();
    const other = apps.find((a) => a.name !== holder)!.name;
    await setStatusOn(other, await login(lb.url, 'viewer', pinned(other)), 43, 'shipped');
    await page.waitForSelector(row(43, 'shipped'));
    await page.waitForSelector('#chart .bar[data-label="shipped"] .num:text-is("2")');
  });

  it('a rate limit counts the calls of every process exactly', async () => {
    // chart.get_chart_data: @RateLimit({ limit: 120, ttl: 60_000 }), one bucket per caller (the token's user).
    const limit = 120;
    const calls = limit + 30;
    const statuses: number[] = [];
    for (let i = 0; i < calls; i += 15) {
      const batch = Array.from({ length: Math.min(15, calls - i) }, async (_, j) => {
        const server = apps[(i + j) % apps.length].name;
        const res = await fetch(`${lb.url}/djust/api/chart/get_chart_data/`, {
          method: 'POST',
          headers: { ...pinned(server), authorization: `Bearer ${DEMO_API_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ metric: 'orders_by_status' }),
        });
        await res.arrayBuffer();
        assert.ok(servedByPinned(res), `served by ${server}`);
        return res.status;
      });
      statuses.push(...(await Promise.all(batch)));
    }
    assert.deepEqual(
      { allowed: statuses.filter((s) => s === 200).length, refused: statuses.filter((s) => s === 429).length },
      { allowed: limit, refused: calls - limit },
    );
  });

  it('SIGKILL of the process holding the sockets: the page and a Node client reconnect through the balancer elsewhere, mount again, and miss no later change', async () => {
    const holder = await pageServer();
    // The page's connection badge, every state it shows, in order.
    await page.evaluate(() => {
      const badge = document.querySelector('#connection')!;
      const w = window as unknown as { badgeStates: string[] };
      w.badgeStates = [badge.getAttribute('data-state')!];
      new MutationObserver(() => w.badgeStates.push(badge.getAttribute('data-state')!)).observe(badge, { attributes: true, attributeFilter: ['data-state'] });
    });

    // A Node client on the same process: WebSocket only, the balancer's cookie names the process.
    const admin = await login(lb.url, 'admin', pinned(holder));
    client = await connectDjust(lb.url, {
      io,
      timeout: IO_TIMEOUT_MS,
      socketOptions: { transports: ['websocket'], extraHeaders: pinned(holder, admin), reconnectionDelay: 100, reconnectionDelayMax: 500 },
    });
    const states: DjustConnectionState[] = [];
    watchConnection(client, (state) => states.push(state));
    const orders: MountedViewHandle<{ orders: Order[] }> = await client.mount('order');
    const firstRef = orders.ref;
    /** Every status of order 44 the Node client was shown, in order. */
    const seen: OrderStatus[] = [];
    orders.onAssigns((assigns) => {
      const status = assigns.orders.find((o) => o.id === 44)?.status;
      if (status && status !== seen.at(-1)) seen.push(status);
    });

    await app(holder).kill();

    // Both are back, mounted on another process.
    await waitFor('the Node client to mount its view again', () => orders.ref !== firstRef && states.at(-1) === 'live');
    assert.deepEqual(states, ['live', 'reconnecting', 'live']);
    await page.waitForFunction(() => {
      const states = (window as unknown as { badgeStates: string[] }).badgeStates;
      return states.includes('reconnecting') && states.at(-1) === 'live';
    });
    const pageStates = await page.evaluate(() => (window as unknown as { badgeStates: string[] }).badgeStates);
    assert.deepEqual(pageStates.filter((s, i) => s !== pageStates[i - 1]), ['live', 'reconnecting', 'live']);
    const newHolder = await pageServer();
    assert.notEqual(newHolder, holder, 'the page reconnected to another process');
    assert.equal(orders.assigns.orders.find((o) => o.id === 43)?.status, 'shipped', 'fresh assigns after the remount');

    // The next event works, on the page and from the Node client.
    await page.click(`${row(45, 'new')} button:has-text("Ship")`);
    await page.waitForSelector(row(45, 'shipped'));
    assert.deepEqual(await orders.call('update_status', { order_id: 41, status: 'delivered' }), { order_id: 41, status: 'delivered' });

    // Every change published after the remount reaches both, whichever process made it.
    const alive = apps.filter((a) => a.name !== holder).map((a) => a.name);
    const cycle: OrderStatus[] = ['delivered', 'refunded', 'cancelled', 'new', 'paid', 'shipped'];
    seen.splice(0, seen.length, orders.assigns.orders.find((o) => o.id === 44)!.status);
    for (const [i, status] of cycle.entries()) {
      await setStatusOn(alive[i % alive.length], admin, 44, status);
      await waitFor(`order 44 ${status} on the Node client`, () => orders.assigns.orders.find((o) => o.id === 44)?.status === status);
      await page.waitForSelector(row(44, status));
    }
    assert.deepEqual(seen, ['shipped', ...cycle], 'every change, none missed, in order');
    assert.deepEqual(pageErrors, []);
  });
});
