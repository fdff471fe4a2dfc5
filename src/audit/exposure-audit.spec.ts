import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanActivate, Type } from '@nestjs/common';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import type { LiveViewBase } from '../live-view.base.js';
import { auditExposure, formatExposureReport } from './exposure-audit.js';

class SessionAuth {
  static csrf = true;
}
class TokenAuth {
  static csrfExempt = true;
}
class OwnerGuard implements CanActivate {
  canActivate() {
    return true;
  }
}

function handler(name: string, overrides: Partial<HandlerRecord> = {}): HandlerRecord {
  return {
    name,
    options: { exposeApi: true, exposeMcp: false, deprecated: false },
    dtoType: undefined,
    paramsSchema: undefined,
    arity: 0,
    permissions: [],
    rateLimit: undefined,
    bucket: `v:${name}`,
    guards: [],
    interceptors: [],
    method: () => undefined,
    ...overrides,
  };
}

function view(slug: string, handlers: HandlerRecord[], overrides: Partial<ViewRecord> = {}): ViewRecord {
  class OrderView {}
  return {
    slug,
    viewClass: OrderView as unknown as Type<LiveViewBase>,
    authClasses: [SessionAuth, TokenAuth],
    csrfExempt: false,
    loginRequired: false,
    permissions: [],
    guards: [],
    interceptors: [],
    handlers: new Map(handlers.map((h) => [h.name, h])),
    hasApiMount: false,
    dependencyKeys: new Set(),
    create: () => {
      throw new Error('not used');
    },
    ...overrides,
  };
}

describe('auditExposure', () => {
  const registry = {
    views: [
      view('order', [
        handler('open', { guards: [new OwnerGuard()] }),
        handler('refund', { permissions: ['orders.change'], rateLimit: { limit: 3, ttl: 60_000 } }),
        handler('quote', { rateLimit: { limit: 5, ttl: 1_000 } }),
        handler('list', { permissions: ['orders.view'] }),
        handler('ws_only', { options: { exposeApi: false, exposeMcp: false, deprecated: false } }),
      ]),
      view('report', [handler('summary')], { permissions: ['reports.view'], loginRequired: true, csrfExempt: true }),
    ],
  };

  it('lists every exposed handler with URL, auth classes, CSRF, login, permissions, guards and rate limit', () => {
    const report = auditExposure(registry, { prefix: '/rpc/' });
    assert.equal(report.prefix, 'rpc');
    assert.deepEqual(report.exposed.map((h) => h.url), ['/rpc/api/order/open/', '/rpc/api/order/refund/', '/rpc/api/order/quote/', '/rpc/api/order/list/', '/rpc/api/report/summary/']);
    const refund = report.exposed[1];
    assert.deepEqual(refund, {
      view: 'order',
      viewClass: 'OrderView',
      handler: 'refund',
      method: 'POST',
      url: '/rpc/api/order/refund/',
      authClasses: [{ name: 'SessionAuth', csrfExempt: false }, { name: 'TokenAuth', csrfExempt: true }],
      csrfExempt: false,
      loginRequired: false,
      permissions: { view: [], handler: ['orders.change'] },
      guards: [],
      rateLimit: { limit: 3, ttl: 60_000 },
      deprecated: false,
      findings: [],
      flagged: false,
    });
    assert.deepEqual(report.exposed[0].guards, ['OwnerGuard']);
    assert.deepEqual(report.exposed[4].permissions, { view: ['reports.view'], handler: [] });
  });

  it('flags a handler with neither a permission nor a rate limit (a guard or login does not clear it)', () => {
    const report = auditExposure(registry);
    assert.deepEqual(report.flagged.map((h) => h.url), ['/djust/api/order/open/']);
    const byName = Object.fromEntries(report.exposed.map((h) => [h.handler, h.findings]));
    assert.deepEqual(byName, { open: ['no_permission', 'no_rate_limit'], refund: [], quote: ['no_permission'], list: ['no_rate_limit'], summary: ['no_rate_limit'] });
  });

  it('reports WS-only handlers separately', () => {
    assert.deepEqual(auditExposure(registry).wsOnly, [{ view: 'order', handler: 'ws_only', findings: ['no_permission', 'no_rate_limit'] }]);
  });

  it('formats one line per handler and marks the flagged ones', () => {
    const text = formatExposureReport(auditExposure(registry));
    const lines = text.split('\n');
    assert.equal(lines[0], '5 handlers exposed over HTTP under /djust/api, 1 FLAGGED (neither a permission nor a rate limit)');
    assert.match(lines[1], /^ {2}POST \/djust\/api\/order\/open\/ {2}auth=SessionAuth,TokenAuth\(csrf-exempt\) {2}login=no {2}permissions=- {2}rateLimit=- {2}guards=OwnerGuard {2}<-- FLAGGED/);
    assert.match(lines[2], /permissions=orders\.change {2}rateLimit=3\/60000ms$/);
    assert.match(lines[5], /csrf=off {2}login=required {2}permissions=reports\.view\(view\) {2}rateLimit=- {2}\(no rate limit\)$/);
    assert.equal(lines[6], '1 WS-only handler (any socket allowed to mount the view may call them): order.ws_only');
  });

  it('an app without views reports nothing', () => {
    const report = auditExposure({ views: [] });
    assert.deepEqual(report, { prefix: 'djust', exposed: [], flagged: [], tools: [], flaggedTools: [], wsOnly: [] });
    assert.equal(formatExposureReport(report), '0 handlers exposed over HTTP under /djust/api, none flagged');
  });
});
