import { Injectable } from '@nestjs/common';
import { LIVE_VIEW_METADATA } from '../djust.constants.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';

/** Options of `@LiveView()`. */
export interface LiveViewOptions {
  /** The slug in URLs and WS messages. Default: the class name without a trailing `View`, in kebab-case. */
  apiName?: string;
  /** Auth classes tried in order for this view. Default: the module's `authClasses`. */
  authClasses?: DjustAuthClass[];
  /** Turn CSRF off for this view (for header/token auth). Default `false`. */
  csrfExempt?: boolean;
}

/**
 * Marks a provider class as a LiveView. The class must extend `LiveViewBase`
 * and be listed in a module's `providers`; it gets a fresh instance per WS
 * mount and per HTTP call, with its constructor dependencies injected.
 *
 * @example
 * ```ts
 * @LiveView({ apiName: 'order' })
 * export class OrderView extends LiveViewBase { ... }
 * ```
 */
export function LiveView(options: LiveViewOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(LIVE_VIEW_METADATA, { ...options }, target);
    Injectable()(target);
  };
}
