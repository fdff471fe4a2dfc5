import type { ViewRecord } from '../discovery/view-record.interface.js';

/**
 * DI token of the view registry the OpenAPI service reads. The core module
 * provides it (an object satisfying {@link ViewRegistryLike}).
 */
export const DJUST_VIEW_REGISTRY = Symbol('DJUST_VIEW_REGISTRY');

/**
 * What the OpenAPI service needs from the view registry: the current views and
 * a number that changes whenever they do (the document is rebuilt then).
 */
export interface ViewRegistryLike {
  readonly views: readonly ViewRecord[];
  readonly version: number;
}
