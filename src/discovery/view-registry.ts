import type { HandlerRecord, ViewRecord } from './view-record.interface.js';

/**
 * The immutable registry of discovered views: slug → view record → handlers.
 * Filled once at bootstrap by the explorer; lookups are plain `Map` reads
 * (a `null`-prototype-free path: names like `__proto__` or `constructor`
 * simply miss).
 */
export class ViewRegistry {
  private bySlug: ReadonlyMap<string, ViewRecord> = new Map();
  private list: readonly ViewRecord[] = [];
  private revision = 0;

  /** All views, in discovery order. */
  get views(): readonly ViewRecord[] {
    return this.list;
  }

  /** Bumped each time the registry is (re)filled; caches key on it. */
  get version(): number {
    return this.revision;
  }

  /** Replaces the registry contents (bootstrap only). */
  load(views: readonly ViewRecord[]): void {
    this.list = Object.freeze([...views]);
    this.bySlug = new Map(views.map((v) => [v.slug, v]));
    this.revision++;
  }

  /** The view with this slug, or `undefined`. */
  view(slug: string): ViewRecord | undefined {
    return this.bySlug.get(slug);
  }

  /** The handler of a view, or `undefined`. */
  handler(view: ViewRecord, name: string): HandlerRecord | undefined {
    return view.handlers.get(name);
  }
}
