import { NestFactory } from '@nestjs/core';
import { auditExposure, formatExposureReport, type ExposureReport } from '../audit/exposure-audit.js';
import type { ResolvedDjustOptions } from '../core/resolved-options.js';
import { DJUST_RESOLVED_OPTIONS, DJUST_VIEW_REGISTRY } from '../djust.internal-constants.js';
import type { ViewRegistryLike } from '../openapi/openapi.service.js';
import { loadAppModule } from './load-app-module.js';

/** Where the CLI writes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Options of `nestjs-djust audit`. */
export interface AuditCommandOptions {
  /** The compiled module file. */
  readonly file: string;
  /** The export to use (`--export`). */
  readonly exportName?: string;
  /** Exit 1 when a handler is flagged (`--strict`). */
  readonly strict: boolean;
  /** Print the report as JSON (`--json`). */
  readonly json: boolean;
}

/**
 * `nestjs-djust audit`: imports the app's module, creates an application
 * context (no HTTP server: views are discovered, nothing listens), prints the
 * exposure report, closes the context. Returns the exit code: 0, or 1 with
 * `--strict` when a handler is flagged.
 */
export async function auditCommand(options: AuditCommandOptions, io: CliIo): Promise<number> {
  const { module, name } = await loadAppModule(options.file, options.exportName);
  const app = await NestFactory.createApplicationContext(module, { logger: ['error'], abortOnError: false });
  let report: ExposureReport;
  try {
    // Looked up by a Symbol.for token, not by the ViewRegistry class: this bin is the ES module
    // build, and a CommonJS app's DjustModule comes from the CommonJS build (another class).
    let registry: ViewRegistryLike;
    try {
      registry = app.get<ViewRegistryLike>(DJUST_VIEW_REGISTRY, { strict: false });
    } catch {
      throw new Error(`${name} does not import DjustModule: no view registry found.`);
    }
    const resolved = app.get<ResolvedDjustOptions>(DJUST_RESOLVED_OPTIONS, { strict: false });
    report = auditExposure(registry, { prefix: resolved.prefix });
  } finally {
    await app.close();
  }
  if (options.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else io.out(`${formatExposureReport(report)}\n`);
  const flagged = [...report.flagged.map((h) => h.url), ...report.flaggedTools.map((t) => `MCP tool ${t.tool}`)];
  if (options.strict && flagged.length > 0) {
    io.err(`nestjs-djust audit --strict: ${flagged.length} flagged handler(s): ${flagged.join(', ')}\n`);
    return 1;
  }
  return 0;
}
