import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedDjustOptions } from '../../core/resolved-options.js';
import { DJUST_RESOLVED_OPTIONS } from '../../djust.internal-constants.js';
import { DjustConfigurationError } from '../../errors/djust-configuration.error.js';
import { bindExpress } from './express-http.adapter.js';
import { bindFastify } from './fastify-http.adapter.js';
import { HttpApi } from './http-api.js';

/**
 * Binds the HTTP API's routes on the app's adapter (express or fastify) once,
 * at module init — before the app listens, after the app's own controllers.
 * A standalone application context (no HTTP server) binds nothing.
 */
@Injectable()
export class HttpTransport implements OnModuleInit {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly api: HttpApi,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return;
    const type = adapter.getType();
    if (type === 'express') bindExpress(adapter.getInstance(), this.api, this.logger);
    else if (type === 'fastify') bindFastify(adapter.getInstance(), this.api, this.logger);
    else throw new DjustConfigurationError(`the HTTP adapter "${type}" is not supported; use @nestjs/platform-express or @nestjs/platform-fastify.`);
    this.logger.log(`HTTP API under /${this.options.prefix}/api (${type})`);
  }
}
