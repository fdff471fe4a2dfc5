import type { CanActivate } from '@nestjs/common';
import { DEFAULT_PREFIX } from '../djust.constants.js';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import { mcpPath, operationPath, toolName } from '../protocol/routes.js';

/** A safeguard an exposed handler lacks. */
export type ExposureFinding = 'no_permission' | 'no_rate_limit';

/** An auth class in force on a handler. */
export interface ExposureAuthClass {
  /** The class name. */
  readonly name: string;
  /** `true` when the class turns CSRF off when it wins (`static csrfExempt = true`). */
  readonly csrfExempt: boolean;
}

/** What guards one exposed handler, whatever the transport. */
export interface ExposureSafeguards {
  /** The view's slug. */
  readonly view: string;
  /** The view's class name. */
  readonly viewClass: string;
  /** The handler (method) name. */
  readonly handler: string;
  /** The auth classes tried in order (the view's own, else the module default). */
  readonly authClasses: readonly ExposureAuthClass[];
  /** `@LiveView({ csrfExempt: true })`. */
  readonly csrfExempt: boolean;
  /** `@LoginRequired()` on the view. */
  readonly loginRequired: boolean;
  /** Required permissions: the view's, and the handler's own. */
  readonly permissions: { readonly view: readonly string[]; readonly handler: readonly string[] };
  /** The app's own `@UseGuards()` on the view and the handler (listed; not counted as a permission). */
  readonly guards: readonly string[];
  /** The effective `@RateLimit` (handler's, else view's), `null` when none. */
  readonly rateLimit: { readonly limit: number; readonly ttl: number } | null;
  readonly deprecated: boolean;
  /** Each safeguard it lacks. */
  readonly findings: readonly ExposureFinding[];
  /** `true` when it has neither a permission nor a rate limit: any authenticated caller may call it without bound. */
  readonly flagged: boolean;
}

/** One handler callable over HTTP (`exposeApi: true`). */
export interface ExposedHandler extends ExposureSafeguards {
  readonly method: 'POST';
  /** `/<prefix>/api/<slug>/<handler>/`. */
  readonly url: string;
}

/** One handler served as an MCP tool (`exposeMcp: true`). */
export interface ExposedTool extends ExposureSafeguards {
  /** The tool name, `<slug>.<handler>`. */
  readonly tool: string;
  /** The MCP endpoint, `/<prefix>/mcp`. */
  readonly endpoint: string;
}

/** A handler callable over WS only (any socket allowed to mount its view may call it). */
export interface WsOnlyHandler {
  readonly view: string;
  readonly handler: string;
  readonly findings: readonly ExposureFinding[];
}

/** What an app exposes, as computed by {@link auditExposure}. */
export interface ExposureReport {
  readonly prefix: string;
  /** Every `exposeApi` handler, in discovery order. */
  readonly exposed: readonly ExposedHandler[];
  /** The flagged subset of {@link exposed}. */
  readonly flagged: readonly ExposedHandler[];
  /** Every `exposeMcp` handler, as an MCP tool, in discovery order. */
  readonly tools: readonly ExposedTool[];
  /** The flagged subset of {@link tools}. */
  readonly flaggedTools: readonly ExposedTool[];
  /** `@EventHandler`s exposed neither over HTTP nor over MCP (WS only). */
  readonly wsOnly: readonly WsOnlyHandler[];
}

/** Options of {@link auditExposure}. */
export interface ExposureAuditOptions {
  /** The module's `prefix`. Default `'djust'`. */
  readonly prefix?: string;
}

/**
 * The exposure audit: a pure function of the discovered views (the
 * `ViewRegistry`, after `app.init()`). Lists every handler callable over HTTP
 * and every MCP tool with their URL or tool name, auth classes, CSRF, login,
 * permissions, guards and rate limit, and flags those with neither a
 * permission (view or handler) nor a rate limit. `@LoginRequired` and the
 * app's own guards are reported but do not clear a flag: the audit cannot
 * know what a guard checks.
 *
 * @example
 * ```ts
 * const report = auditExposure(app.get(ViewRegistry), { prefix: 'djust' });
 * console.log(formatExposureReport(report));
 * if (report.flagged.length + report.flaggedTools.length) process.exitCode = 1;
 * ```
 */
export function auditExposure(registry: { readonly views: readonly ViewRecord[] }, options: ExposureAuditOptions = {}): ExposureReport {
  const prefix = (options.prefix ?? DEFAULT_PREFIX).replace(/^\/+|\/+$/g, '');
  const exposed: ExposedHandler[] = [];
  const tools: ExposedTool[] = [];
  const wsOnly: WsOnlyHandler[] = [];
  for (const view of registry.views) {
    for (const handler of view.handlers.values()) {
      const safeguards = safeguardsOf(view, handler);
      if (handler.options.exposeApi) exposed.push({ ...safeguards, method: 'POST', url: operationPath(prefix, view.slug, handler.name) });
      if (handler.options.exposeMcp) tools.push({ ...safeguards, tool: toolName(view.slug, handler.name), endpoint: mcpPath(prefix) });
      if (!handler.options.exposeApi && !handler.options.exposeMcp) wsOnly.push({ view: view.slug, handler: handler.name, findings: safeguards.findings });
    }
  }
  return { prefix, exposed, flagged: exposed.filter((h) => h.flagged), tools, flaggedTools: tools.filter((t) => t.flagged), wsOnly };
}

function safeguardsOf(view: ViewRecord, handler: HandlerRecord): ExposureSafeguards {
  const findings: ExposureFinding[] = [];
  if (view.permissions.length === 0 && handler.permissions.length === 0) findings.push('no_permission');
  if (!handler.rateLimit) findings.push('no_rate_limit');
  return {
    view: view.slug,
    viewClass: view.viewClass.name,
    handler: handler.name,
    authClasses: view.authClasses.map(authClassOf),
    csrfExempt: view.csrfExempt,
    loginRequired: view.loginRequired,
    permissions: { view: [...view.permissions], handler: [...handler.permissions] },
    guards: [...view.guards, ...handler.guards].map(guardName),
    rateLimit: handler.rateLimit ? { limit: handler.rateLimit.limit, ttl: handler.rateLimit.ttl } : null,
    deprecated: handler.options.deprecated,
    findings,
    flagged: findings.length === 2,
  };
}

function authClassOf(cls: DjustAuthClass): ExposureAuthClass {
  return { name: cls.name || '(anonymous class)', csrfExempt: cls.csrfExempt === true };
}

function guardName(guard: CanActivate): string {
  return guard?.constructor?.name || 'guard';
}

/** `auth=… login=… permissions=… rateLimit=…` of one exposed handler or tool, and its flag note. */
function describe(h: ExposureSafeguards, what: string): string {
  const auth = h.authClasses.map((a) => (a.csrfExempt ? `${a.name}(csrf-exempt)` : a.name)).join(',') || '-';
  const perms = [...h.permissions.view.map((p) => `${p}(view)`), ...h.permissions.handler].join(',') || '-';
  const parts = [
    what,
    `auth=${auth}${h.csrfExempt ? ' csrf=off' : ''}`,
    `login=${h.loginRequired ? 'required' : 'no'}`,
    `permissions=${perms}`,
    `rateLimit=${h.rateLimit ? `${h.rateLimit.limit}/${h.rateLimit.ttl}ms` : '-'}`,
  ];
  if (h.guards.length) parts.push(`guards=${h.guards.join(',')}`);
  if (h.deprecated) parts.push('deprecated');
  const note = h.flagged ? '  <-- FLAGGED: no permission, no rate limit' : h.findings.length ? `  (${h.findings.join(', ').replace(/_/g, ' ')})` : '';
  return `  ${parts.join('  ')}${note}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The report as text: a summary line and one line per exposed handler
 * (flagged ones marked), the same for MCP tools when there are any, and the
 * WS-only handlers. Used by the CLI and by the `logExposure` startup log.
 */
export function formatExposureReport(report: ExposureReport): string {
  const lines: string[] = [];
  const flagged = report.flagged.length;
  lines.push(
    `${plural(report.exposed.length, 'handler')} exposed over HTTP under /${report.prefix}/api` +
      (flagged ? `, ${flagged} FLAGGED (neither a permission nor a rate limit)` : ', none flagged'),
  );
  for (const h of report.exposed) lines.push(describe(h, `${h.method} ${h.url}`));
  if (report.tools.length) {
    const flaggedTools = report.flaggedTools.length;
    lines.push(
      `${plural(report.tools.length, 'MCP tool')} at POST /${report.prefix}/mcp` +
        (flaggedTools ? `, ${flaggedTools} FLAGGED (neither a permission nor a rate limit)` : ', none flagged'),
    );
    for (const t of report.tools) lines.push(describe(t, `tool ${t.tool}`));
  }
  if (report.wsOnly.length) {
    lines.push(`${plural(report.wsOnly.length, 'WS-only handler')} (any socket allowed to mount the view may call them): ${report.wsOnly.map((h) => `${h.view}.${h.handler}`).join(', ')}`);
  }
  return lines.join('\n');
}
