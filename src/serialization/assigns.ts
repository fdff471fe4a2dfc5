import type { ViewRecord } from '../discovery/view-record.interface.js';
import type { LiveViewBase } from '../live-view.base.js';
import { equalsPlain, toPlain, toPlainFrom, type Plain } from './to-plain.js';

/** A snapshot of a view's public assigns as plain values. */
export type AssignsSnapshot = Record<string, Plain>;

/**
 * The public assigns of a view instance: own enumerable properties whose names
 * do not start with `_`, that do not hold an injected dependency or a function.
 * (`LiveViewBase`'s `httpRequest`/`transport`/`user` are prototype getters and
 * the call context is symbol-keyed, so none of them appear.)
 */
export function assignKeys(view: LiveViewBase, record: ViewRecord): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(view)) {
    if (key.charCodeAt(0) === 95 /* _ */ || record.dependencyKeys.has(key)) continue;
    if (typeof (view as unknown as Record<string, unknown>)[key] === 'function') continue;
    keys.push(key);
  }
  return keys;
}

/** Serializes every public assign. */
export function snapshotAssigns(view: LiveViewBase, record: ViewRecord): AssignsSnapshot {
  const out: AssignsSnapshot = Object.create(null);
  const source = view as unknown as Record<string, unknown>;
  for (const key of assignKeys(view, record)) {
    const value = toPlain(source[key]);
    out[key] = value === undefined ? null : value;
  }
  return out;
}

/**
 * The assigns whose serialized value differs from `before` (new keys included;
 * nested mutation such as `this.items.push(x)` counts). Updates `before` in
 * place to the new state when `update` is true, so it can serve the next diff.
 */
export function diffAssigns(view: LiveViewBase, record: ViewRecord, before: AssignsSnapshot, update = false): Record<string, Plain> {
  const changed: Record<string, Plain> = {};
  const source = view as unknown as Record<string, unknown>;
  const keys = assignKeys(view, record);
  for (const key of keys) {
    const value = source[key];
    // Unchanged assigns are compared in place, never cloned (an absent value reads as null).
    const known = key in before;
    if (known && equalsPlain(value, before[key], null)) continue;
    // A changed assign is serialized again, reusing the rows of its old plain value that did not change.
    const raw = known ? toPlainFrom(value, before[key]) : toPlain(value);
    const now = raw === undefined ? null : raw;
    setKey(changed, key, now);
    if (update) before[key] = now;
  }
  if (update) {
    // Assigns deleted during the run disappear from the baseline too. Every live key is in the baseline
    // now, so it holds another key only if it holds more keys than there are live ones.
    const held = Object.keys(before);
    if (held.length !== keys.length) {
      const live = new Set(keys);
      for (const key of held) if (!live.has(key)) delete before[key];
    }
  }
  return changed;
}

function setKey(out: Record<string, Plain>, key: string, value: Plain): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** A plain object copy of a snapshot (ordinary prototype, for JSON output). */
export function snapshotToObject(snapshot: AssignsSnapshot): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const key of Object.keys(snapshot)) setKey(out, key, snapshot[key]);
  return out;
}
