/**
 * `nestjs-djust/client` in a real browser: the compiled client files are
 * loaded as plain ES modules (no bundler, no import map) next to the page's
 * `/socket.io/socket.io.js`, on express and fastify. Also checks statically
 * that the compiled client imports nothing but its own relative files.
 * The browser part needs a Chromium (DJUST_CHROMIUM, /usr/bin/chromium, or
 * playwright's own); without one it is skipped.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { ADAPTERS } from '../support/app.js';
import { gatewayModule, ViewTracker } from './gateway.fixture.js';
import { bootGatewayApp, type GatewayApp } from './ws-test.helpers.js';

/** The compiled client, next to this compiled test (`<out>/test/gateway` → `<out>/src/client`). */
const CLIENT_DIR = fileURLToPath(new URL('../../src/client/', import.meta.url));
const CLIENT_FILES = readdirSync(CLIENT_DIR).filter((f) => /^[a-z0-9.-]+\.js$/.test(f) && !f.endsWith('.spec.js'));

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>djust client</title></head><body>
<script src="/socket.io/socket.io.js"></script>
<script type="module">
  import * as djust from '/djust-client/index.js';
  window.djust = djust;
  window.djustReady = true;
</script>
</body></html>`;

function findChromium(): string | undefined {
  const candidates = [process.env.DJUST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // no bundled browser
  }
  return candidates.find((p): p is string => typeof p === 'string' && p !== '' && existsSync(p));
}

describe('the compiled client', () => {
  it('imports only its own relative files (browser-resolvable, no bare specifiers)', () => {
    assert.ok(CLIENT_FILES.includes('index.js'));
    let seen = 0;
    for (const file of CLIENT_FILES) {
      const code = readFileSync(`${CLIENT_DIR}${file}`, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
      const specifiers = [...code.matchAll(/(?:^|;|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
      seen += specifiers.length;
      for (const specifier of specifiers) assert.match(specifier, /^\.\/[a-z0-9.-]+\.js$/, `${file} imports ${specifier}`);
      assert.doesNotMatch(code, /\brequire\(|\bprocess\.|\bBuffer\b|node:/, `${file} uses a Node-only API`);
    }
    assert.ok(seen >= 5, `the scan found the client's own imports (${seen})`);
  });
});

const executablePath = findChromium();

describe('the client in a browser', { skip: executablePath ? false : 'no Chromium found (set DJUST_CHROMIUM)' }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
  });
  after(() => browser?.close());

  for (const adapter of ADAPTERS) {
    it(`mounts, calls, receives pushes and errors (${adapter})`, async () => {
      let app: GatewayApp | undefined;
      try {
        app = await bootGatewayApp(gatewayModule(), adapter, (nest) => {
          const http = nest.getHttpAdapter();
          http.get('/page', (_req: unknown, res: unknown) => {
            http.setHeader(res, 'content-type', 'text/html; charset=utf-8');
            http.reply(res, PAGE, 200);
          });
          http.get('/djust-client/:file', (req: any, res: unknown) => {
            const file = String(req.params.file);
            if (!CLIENT_FILES.includes(file)) return http.reply(res, 'not found', 404);
            http.setHeader(res, 'content-type', 'text/javascript; charset=utf-8');
            http.reply(res, readFileSync(`${CLIENT_DIR}${file}`, 'utf8'), 200);
          });
        });
        const tracker = app.app.get(ViewTracker);
        const page = await browser.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (e) => pageErrors.push(String(e)));
        await page.goto(`${app.url}/page`);
        await page.waitForFunction(() => (window as any).djustReady === true, undefined, { timeout: 10_000 });
        const first = await page.evaluate(async () => {
          const { connectDjust, DjustClientError } = (window as any).djust;
          const client = await connectDjust('', { token: 'u:browser' });
          (window as any).client = client;
          const counter = await client.mount('counter', { start: 1 });
          const result = await counter.call('increment', { by: '2' });
          let error: unknown;
          try {
            await counter.call('nope');
          } catch (e: any) {
            error = { isClass: e instanceof DjustClientError, error: e.error, status: e.status };
          }
          const ticker = await client.mount('ticker');
          (window as any).pushed = new Promise((resolve) => ticker.onAssigns((assigns: unknown) => resolve(assigns)));
          return { result, assigns: counter.assigns, error };
        });
        assert.deepEqual(first, { result: 3, assigns: { count: 3, label: 'counter' }, error: { isClass: true, error: 'not_found', status: 404 } });
        tracker.tick(9);
        const pushed = await page.evaluate(async () => {
          const assigns = await (window as any).pushed;
          (window as any).client.close();
          return assigns;
        });
        assert.deepEqual(pushed, { tick: 9, history: [9] });
        assert.deepEqual(pageErrors, []);
        await page.close();
      } finally {
        await app?.close();
      }
    });
  }
});
