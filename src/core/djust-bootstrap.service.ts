import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { auditExposure, formatExposureReport } from '../audit/exposure-audit.js';
import { Authenticator } from '../auth/authenticator.js';
import { DJUST_RESOLVED_OPTIONS } from '../djust.internal-constants.js';
import { ViewExplorer } from '../discovery/view-explorer.service.js';
import { ViewRegistry } from '../discovery/view-registry.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import { DtoValidator } from '../validation/dto-validator.js';
import type { ResolvedDjustOptions } from './resolved-options.js';

/**
 * Startup: checks the module is imported once, discovers the views once,
 * fills the registry, precomputes DTO plans and resolves every auth class (so
 * a class that cannot be built fails now, not at the first request).
 */
@Injectable()
export class DjustBootstrap implements OnModuleInit {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly explorer: ViewExplorer,
    private readonly registry: ViewRegistry,
    private readonly validator: DtoValidator,
    private readonly authenticator: Authenticator,
    private readonly modules: ModulesContainer,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    this.assertImportedOnce();
    const views = await this.explorer.explore(this.options.authClasses);
    for (const view of views) for (const handler of view.handlers.values()) if (handler.dtoType) this.validator.prepare(handler.dtoType);
    this.authenticator.prepare(new Set([...this.options.authClasses, ...views.flatMap((v) => v.authClasses)]));
    this.registry.load(views);
    if (this.options.logExposure) this.logExposure();
  }

  /**
   * Two `DjustModule.forRoot()` imports (say, one in a feature module and one
   * in AppModule) would serve two gateways on one namespace and half-work.
   * Refuse, naming the modules that import it.
   */
  private assertImportedOnce(): void {
    const mine = [...this.modules.values()].filter((m) => m.providers.has(DjustBootstrap));
    if (mine.length < 2) return;
    const importers = [...this.modules.values()]
      .filter((m) => [...m.imports].some((imported) => mine.includes(imported)))
      .map((m) => m.metatype?.name ?? '(anonymous module)');
    throw new DjustConfigurationError(
      `DjustModule.forRoot()/forRootAsync() is imported ${mine.length} times (by ${[...new Set(importers)].join(', ') || 'several modules'}). ` +
        'Import it once, in the root module: it is global, and views can be providers of any module.',
    );
  }

  private logExposure(): void {
    const report = auditExposure(this.registry, { prefix: this.options.prefix });
    for (const line of formatExposureReport(report).split('\n')) this.logger.log(line);
    for (const h of report.flagged) this.logger.warn(`${h.method} ${h.url} is exposed with neither a permission nor a rate limit`);
    for (const t of report.flaggedTools) this.logger.warn(`MCP tool ${t.tool} is exposed with neither a permission nor a rate limit`);
  }
}
