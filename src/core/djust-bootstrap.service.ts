import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { auditExposure, formatExposureReport } from '../audit/exposure-audit.js';
import { Authenticator } from '../auth/authenticator.js';
import { DJUST_RESOLVED_OPTIONS } from '../djust.internal-constants.js';
import { DjustConfigurationError } from '../errors/djust-configuration.error.js';
import { ViewExplorer } from '../discovery/view-explorer.service.js';
import { ViewRegistry } from '../discovery/view-registry.js';
import { DjustHttpApi } from '../http/djust-http-api.service.js';
import { bindExpress } from '../http/express-http.binding.js';
import { bindFastify } from '../http/fastify-http.binding.js';
import { DtoValidator } from '../validation/dto-validator.js';
import type { ResolvedDjustOptions } from './resolved-options.js';

/**
 * Startup: discovers the views once, fills the registry, precomputes DTO
 * plans, and binds the HTTP routes on the app's adapter (express or fastify).
 */
@Injectable()
export class DjustBootstrap implements OnModuleInit {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly explorer: ViewExplorer,
    private readonly registry: ViewRegistry,
    private readonly validator: DtoValidator,
    private readonly http: DjustHttpApi,
    private readonly authenticator: Authenticator,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const views = await this.explorer.explore(this.options.authClasses);
    for (const view of views) for (const handler of view.handlers.values()) if (handler.dtoType) this.validator.prepare(handler.dtoType);
    // Resolve every auth class now, so one that cannot be built fails at startup.
    this.authenticator.prepare(new Set([...this.options.authClasses, ...views.flatMap((v) => v.authClasses)]));
    this.registry.load(views);
    if (this.options.logExposure) this.logExposure();
    this.bindHttp();
  }

  private bindHttp(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return; // no HTTP server (e.g. a standalone application context)
    const type = adapter.getType();
    if (type === 'express') bindExpress(adapter.getInstance(), this.http, this.logger);
    else if (type === 'fastify') bindFastify(adapter.getInstance(), this.http, this.logger);
    else throw new DjustConfigurationError(`the HTTP adapter "${type}" is not supported; use @nestjs/platform-express or @nestjs/platform-fastify.`);
    this.logger.log(`HTTP API under /${this.options.prefix}/api (${type})`);
  }

  private logExposure(): void {
    const report = auditExposure(this.registry, { prefix: this.options.prefix });
    for (const line of formatExposureReport(report).split('\n')) this.logger.log(line);
    for (const h of report.flagged) this.logger.warn(`${h.method} ${h.url} is exposed with neither a permission nor a rate limit`);
  }
}
