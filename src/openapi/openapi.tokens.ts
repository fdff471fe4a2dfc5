import type { ViewRecord } from '../discovery/view-record.interface.js';

/**
 * DI token of the view registry the OpenAPI service reads. The core module
 * provides it (an object satisfying {@link ViewRegistryLike}). `Symbol.for`:
 * the same token in the CommonJS and the ES module build, so the
 * `nestjs-djust audit` bin (ES module) can read an app built on either.
 */
export const DJUST_VIEW_REGISTRY = Symbol.for('nestjs-djust:view-registry');

/**
 * What the OpenAPI service needs from the view registry: the current views and
 * a number that changes whenever they do (the document is rebuilt then).
 */
export interface ViewRegistryLike {
  readonly views: readonly ViewRecord[];
  readonly version: number;
}
