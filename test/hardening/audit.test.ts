import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { auditExposure } from '../../src/audit/exposure-audit.js';
import { DjustModule, ViewRegistry } from '../../src/index.js';
import { TestTokenAuth } from '../support/token-auth.js';
import { AppModule, BillingView } from './fixtures/audit-app.module.js';

/** The compiled tree this test runs from (`.build/` or a private out dir). */
const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '../../src/cli/djust-cli.js');
const FIXTURE = join(here, 'fixtures/audit-app.module.js');

/** Runs `nestjs-djust <args>` as a child process. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('exposure audit on a real app', () => {
  it('reads the registry of an application context (no HTTP adapter) and flags the unprotected handler', async () => {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const report = auditExposure(app.get(ViewRegistry), { prefix: 'rpc' });
      assert.equal(report.exposed.length, 5);
      assert.deepEqual(report.flagged.map((h) => [h.url, h.guards]), [['/rpc/api/billing/export_all/', ['OwnerGuard']]]);
    } finally {
      await app.close();
    }
  });

  it('logExposure: true logs the same report at startup, and warns about each flagged handler', async () => {
    const lines: string[] = [];
    const logger: LoggerService = {
      log: (m: unknown) => void lines.push(`log ${String(m)}`),
      warn: (m: unknown) => void lines.push(`warn ${String(m)}`),
      error: (m: unknown) => void lines.push(`error ${String(m)}`),
    };
    @Module({ imports: [DjustModule.forRoot({ logExposure: true, authClasses: [TestTokenAuth] })], providers: [TestTokenAuth, BillingView] })
    class LoggingModule {}
    const app = await NestFactory.createApplicationContext(LoggingModule, { logger });
    await app.close();
    assert.ok(lines.includes('log 4 handlers exposed over HTTP under /djust/api, 1 FLAGGED (neither a permission nor a rate limit)'), lines.join('\n'));
    assert.ok(lines.some((l) => /^log {3}POST \/djust\/api\/billing\/export_all\/ .*<-- FLAGGED/.test(l)));
    assert.ok(lines.includes('warn POST /djust/api/billing/export_all/ is exposed with neither a permission nor a rate limit'));
  });
});

describe('nestjs-djust audit (CLI, child process)', () => {
  it('prints the report and exits 0 without --strict', async () => {
    const { code, stdout } = await cli('audit', FIXTURE);
    assert.equal(code, 0);
    assert.match(stdout, /^5 handlers exposed over HTTP under \/rpc\/api, 1 FLAGGED/);
    assert.match(stdout, /POST \/rpc\/api\/billing\/export_all\/ .*<-- FLAGGED/);
  });

  it('--strict exits 1 when a handler is flagged, naming it on stderr', async () => {
    const { code, stderr } = await cli('audit', FIXTURE, '--strict');
    assert.equal(code, 1);
    assert.match(stderr, /1 flagged handler\(s\): \/rpc\/api\/billing\/export_all\//);
  });

  it('--strict exits 0 when nothing is flagged (--export picks the module; a factory function is called)', async () => {
    for (const name of ['CleanAppModule', 'cleanFactory']) {
      const { code, stdout } = await cli('audit', FIXTURE, '--export', name, '--strict');
      assert.equal(code, 0, name);
      assert.match(stdout, /1 handler exposed over HTTP under \/djust\/api, none flagged/);
    }
  });

  it('--json prints the report as JSON', async () => {
    const { code, stdout } = await cli('audit', FIXTURE, '--json');
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.prefix, 'rpc');
    assert.deepEqual(report.flagged.map((h: { url: string }) => h.url), ['/rpc/api/billing/export_all/']);
    assert.deepEqual(report.wsOnly, [{ view: 'billing', handler: 'preview', findings: ['no_permission', 'no_rate_limit'] }]);
  });

  it('lists MCP tools beside HTTP handlers; --strict fails on a flagged tool', async () => {
    const { code, stdout, stderr } = await cli('audit', FIXTURE, '--export', 'McpAuditModule', '--strict');
    assert.equal(code, 1);
    assert.match(stdout, /^1 handler exposed over HTTP under \/djust\/api, none flagged$/m);
    assert.match(stdout, /^3 MCP tools at POST \/djust\/mcp, 1 FLAGGED \(neither a permission nor a rate limit\)$/m);
    assert.match(stdout, /^ {2}tool agent\.wipe .*<-- FLAGGED/m);
    assert.match(stdout, /^ {2}tool agent\.lookup .*permissions=agent\.read /m);
    assert.match(stdout, /^ {2}tool agent\.ping .*rateLimit=5\/1000ms/m);
    assert.match(stderr, /1 flagged handler\(s\): MCP tool agent\.wipe/);
    const json = JSON.parse((await cli('audit', FIXTURE, '--export', 'McpAuditModule', '--json')).stdout);
    assert.deepEqual(json.tools.map((t: { tool: string; endpoint: string }) => [t.tool, t.endpoint]), [['agent.lookup', '/djust/mcp'], ['agent.wipe', '/djust/mcp'], ['agent.ping', '/djust/mcp']]);
    assert.deepEqual(json.flaggedTools.map((t: { tool: string }) => t.tool), ['agent.wipe']);
    assert.deepEqual(json.wsOnly, []);
  });

  it('exits 2 with a clear message on usage and load errors', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: nestjs-djust audit/],
      [['audit'], /the module file is missing/],
      [['deploy', FIXTURE], /unknown command "deploy"/],
      [['audit', FIXTURE, '--bogus'], /unknown option --bogus/],
      [['audit', join(here, 'no-such-file.js')], /cannot import .*no-such-file\.js/],
      [['audit', FIXTURE, '--export', 'Nope'], /has no export "Nope"\. Exports: AppModule/],
      [['audit', FIXTURE, '--export', 'PlainModule'], /PlainModule does not import DjustModule/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await cli(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stdout + stderr, message, args.join(' '));
    }
  });
});
