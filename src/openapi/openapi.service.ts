import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { DJUST_RESOLVED_OPTIONS } from '../djust.internal-constants.js';
import type { ResolvedDjustOptions } from '../core/resolved-options.js';
import { createOpenApiDocument } from './openapi-document.factory.js';
import { ViewExplorer } from '../discovery/view-explorer.service.js';
import { ViewRegistry } from '../discovery/view-registry.js';
import type { ViewRecord } from '../discovery/view-record.interface.js';
import { formatOpenApiWarning, type OpenApiWarning } from './openapi-warning.js';
import type { OpenApiDocument } from './openapi.types.js';

/**
 * What the OpenAPI service needs from the view registry: the current views and
 * a number that changes whenever they do (the document is rebuilt then);
 * `0` until the registry is first loaded at module init.
 */
export interface ViewRegistryLike {
  readonly views: readonly ViewRecord[];
  readonly version: number;
}

interface CachedDocument {
  readonly registryVersion: number;
  readonly document: OpenApiDocument;
  readonly json: string;
  readonly etag: string;
  readonly warnings: readonly OpenApiWarning[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Serves the OpenAPI 3.1.0 document of the registered views.
 *
 * The document is built on first use and cached; it is rebuilt when the
 * registry's `version` changes or after {@link invalidate}. Asked before the
 * registry is loaded (Nest's usual `main.ts` calls `withDjust()` before
 * `app.listen()`, so before `onModuleInit`), it describes the views from a
 * synchronous scan of the app (`ViewExplorer.describe`), which lists the same
 * operations and throws the same startup errors. The cached document
 * is a deep-frozen plain JSON value (exactly what is served); its serialized
 * form and an ETag are cached alongside. Generation warnings are logged once
 * each (`Logger('Djust')`), the first batch at application bootstrap.
 */
@Injectable()
export class DjustOpenApiService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Djust');
  private readonly logged = new Set<string>();
  private cache: CachedDocument | undefined;

  constructor(
    @Inject(ViewRegistry) private readonly registry: ViewRegistryLike,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
    @Optional() private readonly explorer?: ViewExplorer,
  ) {}

  /** Builds the document once at startup so its warnings are logged then. */
  onApplicationBootstrap(): void {
    this.current();
  }

  /** The current document (deep-frozen; copy before modifying). */
  getDocument(): OpenApiDocument {
    return this.current().document;
  }

  /** The current document serialized as JSON (what `GET /<prefix>/api/openapi.json` sends). */
  getDocumentJson(): string {
    return this.current().json;
  }

  /** A strong ETag of the current document (`"<sha1>"`), for conditional GETs. */
  getEtag(): string {
    return this.current().etag;
  }

  /** What the current document could not describe exactly. */
  getWarnings(): readonly OpenApiWarning[] {
    return this.current().warnings;
  }

  /** Drops the cached document: the next call rebuilds it. */
  invalidate(): void {
    this.cache = undefined;
  }

  private current(): CachedDocument {
    const version = this.registry.version;
    if (this.cache && this.cache.registryVersion === version) return this.cache;
    const { openapi } = this.options;
    const views = version === 0 && this.explorer ? this.explorer.describe(this.options.authClasses) : this.registry.views;
    const { document, warnings } = createOpenApiDocument(views, {
      prefix: this.options.prefix,
      title: openapi.title,
      version: openapi.version,
      description: openapi.description,
      handlerTimeout: this.options.handlerTimeout,
    });
    const json = JSON.stringify(document);
    this.cache = deepFreeze({
      registryVersion: version,
      document: JSON.parse(json) as OpenApiDocument,
      json,
      etag: `"${createHash('sha1').update(json).digest('hex')}"`,
      warnings,
    });
    for (const warning of warnings) {
      const line = formatOpenApiWarning(warning);
      if (this.logged.has(line)) continue;
      this.logged.add(line);
      this.logger.warn(line);
    }
    return this.cache;
  }
}
