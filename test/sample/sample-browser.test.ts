import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import { csrfToken, login, postJson, startSample, type RunningSample } from './sample-support.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Bounded waits for the browser's I/O (page load, socket round trips). */
const UI_TIMEOUT_MS = 15_000;

// On CI a missing Chromium is a failure, not a skip (.ci/run installs it).
const missing = !existsSync(CHROMIUM);
const skip = missing && process.env.CI !== 'true' ? `${CHROMIUM} not installed (apt-get install chromium)` : false;

describe('sample page in headless Chromium', { skip }, () => {
  let sample: RunningSample;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const row = (id: number, status: string) => `tr[data-order-id="${id}"][data-status="${status}"]`;

  before(async () => {
    assert.ok(!missing, `${CHROMIUM} is missing: install the Debian chromium package`);
    sample = await startSample();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      // HTTP errors the page expects (GET /me before login is a 401) are not script errors.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
    });
  });
  after(async () => {
    await browser?.close();
    await sample?.close();
  });

  it('logs in and shows the orders, live', async () => {
    await page.goto(`${sample.url}/`);
    await page.fill('#username', 'admin');
    await page.fill('#password', 'admin');
    await page.click('#login');
    await page.waitForSelector('#connection[data-state="live"]');
    assert.equal(await page.locator('#orders tbody tr').count(), 5);
    assert.equal(await page.textContent(`${row(42, 'paid')} td:nth-child(2)`), 'Grace Hopper');
    assert.match((await page.textContent('#who')) ?? '', /^admin /);
  });

  it('ships an order with the button: the status changes', async () => {
    await page.click(`${row(42, 'paid')} button:has-text("Ship")`);
    await page.waitForSelector(row(42, 'shipped'));
    assert.equal(await page.textContent(`${row(42, 'shipped')} .status`), 'shipped');
    assert.equal(await page.isDisabled(`${row(42, 'shipped')} button:has-text("Ship")`), true);
    assert.equal(await page.textContent('#message'), '');
    // The chart, mounted on the same socket, follows too.
    await page.waitForSelector('#chart .bar[data-label="shipped"] .num:text-is("2")');
  });

  it('updates when someone else calls update_status over HTTP (server push)', async () => {
    const other = await login(sample.url, 'viewer', 'viewer');
    const res = await postJson(sample.url, '/djust/api/order/update_status/', { order_id: 43, status: 'shipped' }, {
      cookie: other.cookie,
      'x-csrf-token': await csrfToken(sample.url, other),
    });
    assert.deepEqual(res.body, { result: { order_id: 43, status: 'shipped' }, assigns: {} });
    await page.waitForSelector(row(43, 'shipped'));
    assert.deepEqual(pageErrors, []);
  });

  it('shows a permission error for a refund by the viewer', async () => {
    const viewerPage = await browser.newPage();
    viewerPage.setDefaultTimeout(UI_TIMEOUT_MS);
    try {
      await viewerPage.goto(`${sample.url}/`);
      await viewerPage.fill('#username', 'viewer');
      await viewerPage.fill('#password', 'viewer');
      await viewerPage.click('#login');
      await viewerPage.waitForSelector('#connection[data-state="live"]');
      await viewerPage.click(`${row(42, 'shipped')} button:has-text("Refund")`);
      await viewerPage.waitForSelector('#message:has-text("permission_denied")');
      assert.equal(await viewerPage.locator(row(42, 'shipped')).count(), 1);
    } finally {
      await viewerPage.close();
    }
  });

  it('Swagger UI: Authorize with the demo token, then Try it out on fulfillment ping', async () => {
    const docs = await browser.newPage();
    docs.setDefaultTimeout(UI_TIMEOUT_MS);
    try {
      await docs.goto(`${sample.url}/docs`);
      const op = '#operations-fulfillment-fulfillment_ping';
      await docs.waitForSelector(op);
      await docs.click('button.authorize');
      await docs.fill('.modal-ux input[type="text"], .modal-ux input[type="password"]', DEMO_API_TOKEN);
      await docs.click('.modal-ux button.authorize');
      await docs.click('.modal-ux button.btn-done');
      await docs.click(`${op} .opblock-summary`);
      await docs.click(`${op} button.try-out__btn`);
      await docs.click(`${op} button.execute`);
      const body = await docs.waitForSelector(`${op} .live-responses-table .response-col_description pre`);
      assert.deepEqual(JSON.parse((await body.textContent()) ?? ''), { result: { pong: true, caller: 'fulfillment-bot' }, assigns: {} });
      assert.equal((await docs.textContent(`${op} .live-responses-table tr.response .response-col_status`))?.trim(), '200');
    } finally {
      await docs.close();
    }
  });
});
