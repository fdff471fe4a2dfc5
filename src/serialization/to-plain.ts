import { instanceToPlain } from 'class-transformer';
import { rowShapeFor, type PlainRow, type RowShape } from './row-shape.js';
import { SerializationError } from './serialization.error.js';

/** A JSON-safe value. */
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

const objectProto = Object.prototype;

/**
 * Turns any value into a JSON-safe plain value, the same way for both
 * transports: class instances through class-transformer's `instanceToPlain`
 * (so `@Exclude()`/`@Expose()` are honoured), `Date` as an ISO string, `Map` as
 * an object, `Set` as an array, `toJSON()` honoured, functions and symbols
 * dropped, non-finite numbers as `null`. Throws `SerializationError` on a cycle
 * or a BigInt — never overflows the stack.
 *
 * Returns `undefined` only for a top-level function/symbol/undefined.
 */
export function toPlain(value: unknown): Plain | undefined {
  return walk(value, ancestorsFor(value), 0, undefined);
}

/**
 * `toPlain(value)`, reusing unchanged rows of `previous` (an earlier result of
 * `toPlain`/`toPlainFrom` for the same assign) instead of building them again:
 * a row is reused only when its plain form is exactly the old one (same keys in
 * the same order, every field an identical JSON primitive), so the result is
 * indistinguishable from `toPlain(value)`. Plain values are never mutated once
 * built, which is what makes sharing them safe.
 */
export function toPlainFrom(value: unknown, previous: Plain | undefined): Plain | undefined {
  return walk(value, ancestorsFor(value), 0, previous);
}

/** Never written to: `walk` returns before it touches the ancestors of a primitive. */
const NO_ANCESTORS: Set<object> = new Set();

/** A fresh set of ancestors for an object or array; none needed for a primitive (most assigns). */
function ancestorsFor(value: unknown): Set<object> {
  return value !== null && typeof value === 'object' ? new Set() : NO_ANCESTORS;
}

const MAX_DEPTH = 256;

/**
 * Arrays built here whose every element is a plain row with exactly the keys of
 * one `RowShape` (and no other key): `same` compares against them, and
 * `toPlainFrom` reuses their rows, with the shape's specialised code.
 * Only arrays of at least `MIN_SHAPED_ROWS` elements are recorded.
 */
const shapedArrays = new WeakMap<readonly Plain[], RowShape>();
const MIN_SHAPED_ROWS = 16;

/** @internal For tests: whether `plain` is an array built here whose rows the specialised code handles. */
export function isShapedArray(plain: unknown): boolean {
  return Array.isArray(plain) && shapedArrays.has(plain);
}

function walk(value: unknown, ancestors: Set<object>, depth: number, previous: Plain | undefined): Plain | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      throw new SerializationError('BigInt is not JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (depth > MAX_DEPTH) throw new SerializationError('nesting is too deep');
  if (ancestors.has(obj)) throw new SerializationError('circular reference');
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) return walkArray(obj, ancestors, depth, previous);
    const proto = Object.getPrototypeOf(obj);
    if (obj instanceof Date) return isoOf(obj);
    if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
      return walk((obj as { toJSON(): unknown }).toJSON(), ancestors, depth + 1, undefined);
    }
    if (proto === objectProto || proto === null) return walkObject(obj as Record<string, unknown>, ancestors, depth, previous);
    if (obj instanceof Map) {
      const out: Record<string, Plain> = {};
      for (const [k, v] of obj) {
        const p = walk(v, ancestors, depth + 1, undefined);
        if (p !== undefined) defineKey(out, String(k), p);
      }
      return out;
    }
    if (obj instanceof Set) return walk([...obj], ancestors, depth + 1, undefined) as Plain;
    // A class instance: class-transformer decides which properties are exposed.
    let converted: unknown;
    try {
      converted = instanceToPlain(obj);
    } catch (err) {
      if (err instanceof RangeError) throw new SerializationError('circular reference');
      throw err;
    }
    return walkObject(converted as Record<string, unknown>, ancestors, depth, undefined);
  } finally {
    ancestors.delete(obj);
  }
}

function walkObject(obj: Record<string, unknown>, ancestors: Set<object>, depth: number, previous: Plain | undefined): Plain {
  const out: Record<string, Plain> = {};
  const before = previous !== null && typeof previous === 'object' && !Array.isArray(previous) ? previous : undefined;
  for (const key of Object.keys(obj)) {
    const hint = before !== undefined && Object.prototype.hasOwnProperty.call(before, key) ? before[key] : undefined;
    const p = walk(obj[key], ancestors, depth + 1, hint);
    if (p !== undefined) defineKey(out, key, p);
  }
  return out;
}

/**
 * An array, element by element as `walk` does. When its first element is a plain
 * object whose keys have a compiled `RowShape`, rows that fit the shape are built
 * by the shape's code, rows of `previous` that are exactly what a row would
 * become are reused, and the result is recorded in `shapedArrays` when every row
 * came out with exactly the shape's keys. Any other element takes `walk`.
 */
function walkArray(arr: unknown[], ancestors: Set<object>, depth: number, previous: Plain | undefined): Plain[] {
  const n = arr.length;
  const out: Plain[] = new Array(n);
  const before = Array.isArray(previous) ? previous : undefined;
  // Rows are one level deeper: at the depth limit the generic walk reports it.
  const shape = n >= MIN_SHAPED_ROWS && depth < MAX_DEPTH && objectPrototypeIsClean() ? shapeOfRow(arr[0]) : undefined;
  if (shape === undefined) {
    for (let i = 0; i < n; i++) {
      const v = walk(arr[i], ancestors, depth + 1, before !== undefined && i < before.length ? before[i] : undefined);
      out[i] = v === undefined ? null : v;
    }
    return out;
  }
  let uniform = true;
  // A row that fits the shape but holds non-primitive values: walked like `walkObject`
  // would (the row joins the ancestors; a dropped value means the row lacks a key).
  const convert = (row: object, values: unknown[]): PlainRow => {
    if (ancestors.has(row)) throw new SerializationError('circular reference');
    ancestors.add(row);
    try {
      const plainRow: PlainRow = {};
      for (let j = 0; j < values.length; j++) {
        const p = walk(values[j], ancestors, depth + 2, undefined);
        if (p === undefined) uniform = false;
        else defineKey(plainRow, shape.keys[j], p);
      }
      return plainRow;
    } finally {
      ancestors.delete(row);
    }
  };
  const reusable = before !== undefined && shapedArrays.get(before) === shape ? Math.min(n, before.length) : 0;
  let i = 0;
  while (i < n) {
    if (i < reusable) {
      const end = shape.scanIdentical(arr, before as Plain[], i, reusable);
      for (; i < end; i++) out[i] = (before as Plain[])[i];
      if (i >= n) break;
    }
    const item = arr[i];
    const row = shape.build(item, convert);
    if (row !== undefined) {
      out[i] = row;
    } else {
      uniform = false;
      const v = walk(item, ancestors, depth + 1, before !== undefined && i < before.length ? before[i] : undefined);
      out[i] = v === undefined ? null : v;
    }
    i++;
  }
  if (uniform) shapedArrays.set(out, shape);
  return out;
}

/**
 * Whether `Object.prototype` has no enumerable property. The shapes' key check
 * (`for…in`) also lists inherited enumerable keys, which `Object.keys` does not:
 * with a polluted `Object.prototype`, arrays take the generic walk.
 */
function objectPrototypeIsClean(): boolean {
  for (const _ in objectProto) return false;
  return true;
}

/** The compiled shape of a plain object's keys, if `value` is a plain object (not an array) without `toJSON`. */
function shapeOfRow(value: unknown): RowShape | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value);
  if ((proto !== objectProto && proto !== null) || (value as { toJSON?: unknown }).toJSON !== undefined) return undefined;
  return rowShapeFor(Object.keys(value), sameField);
}

const nativeGetTime = Date.prototype.getTime;
const nativeToISOString = Date.prototype.toISOString;
const isNative = (fn: unknown) => typeof fn === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
/** Whether `Date.prototype.toISOString`/`getTime` are the engine's own (pure functions of the time value) at load. */
const isoMemoUsable = isNative(nativeGetTime) && isNative(nativeToISOString);
/**
 * The ISO string last computed for a Date, with the time it was computed for:
 * `toISOString` is slow (about a microsecond) and a Date in a row is compared on
 * every diff. Used only while the Date reads `getTime`/`toISOString` from the
 * engine's own methods, so the string is a pure function of the time.
 */
const isoMemo = new WeakMap<Date, { time: number; iso: string }>();

/** A Date's plain form, `Number.isNaN(d.getTime()) ? null : d.toISOString()`, remembered per Date and time. */
function isoOf(date: Date): string | null {
  const time = date.getTime();
  if (Number.isNaN(time)) return null;
  if (!isoMemoUsable || date.getTime !== nativeGetTime || date.toISOString !== nativeToISOString) return date.toISOString();
  const memo = isoMemo.get(date);
  if (memo !== undefined) {
    if (memo.time === time) return memo.iso;
    memo.time = time;
    return (memo.iso = date.toISOString());
  }
  const iso = date.toISOString();
  isoMemo.set(date, { time, iso });
  return iso;
}

/** Sets a key without ever invoking the `__proto__` setter. */
function defineKey(out: Record<string, Plain>, key: string, value: Plain): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Deep equality of two plain values. */
export function plainEqual(a: Plain | undefined, b: Plain | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!plainEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !plainEqual(a[k], (b as Record<string, Plain>)[k])) return false;
  }
  return true;
}

/**
 * Whether `toPlain(value)` would deep-equal `plain`, without building it: plain
 * objects, arrays, primitives and Dates are compared in place (no allocation),
 * arrays of same-key rows by code specialised for their keys; anything
 * class-transformer or `toJSON` decides (class instances, Map, Set) falls back
 * to `toPlain` for that subtree. Throws `SerializationError` where `toPlain`
 * would. Used to skip unchanged assigns without cloning them.
 *
 * `dropped` is what a value that serializes to nothing (a function, a symbol,
 * `undefined`, a `toJSON` returning one of them) stands for: `undefined` as
 * `toPlain` returns it, or `null` where such a value is written as `null` (an
 * assign, like an array element).
 */
export function equalsPlain(value: unknown, plain: Plain | undefined, dropped: null | undefined = undefined): boolean {
  return same(value, plain, dropped);
}

/** `same` for an object's field: a value that serializes to nothing leaves the key out. */
const sameField = (value: unknown, plain: Plain | undefined): boolean => same(value, plain, undefined);

// The walk goes down `plain` in lockstep, so it is as deep as `plain` (finite, acyclic):
// a cycle in `value` meets a leaf of `plain` and answers false; `toPlain` then reports it.
// The checks come in `walk`'s order, so a value that cannot be serialized throws here
// exactly what `toPlain` would throw, or answers false (and `toPlain` then throws).
function same(value: unknown, plain: Plain | undefined, dropped: null | undefined): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value === plain;
    case 'number':
      return Number.isFinite(value) ? value === plain : plain === null;
    case 'bigint':
      throw new SerializationError('BigInt is not JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return plain === dropped;
  }
  if (value === null) return plain === null;
  if (Array.isArray(value)) {
    if (!Array.isArray(plain) || value.length !== plain.length) return false;
    const n = value.length;
    const shape = n >= MIN_SHAPED_ROWS && objectPrototypeIsClean() ? shapedArrays.get(plain) : undefined;
    if (shape !== undefined) {
      // Rows that fit the shape are compared by its code; any other element generically.
      for (let i = 0; i < n; i++) {
        i = shape.scanEqual(value, plain, i, n);
        if (i < 0) return false;
        if (i === n) break;
        const item = value[i];
        if (item !== plain[i] && !same(item, plain[i], null)) return false;
      }
      return true;
    }
    // `item === plain[i]` answers for equal primitives without a call (and for a plain
    // value, which is its own plain form); everything else goes through `same`.
    for (let i = 0; i < n; i++) {
      const item = value[i];
      if (item !== plain[i] && !same(item, plain[i], null)) return false;
    }
    return true;
  }
  if (value instanceof Date) return plain === isoOf(value);
  const proto = Object.getPrototypeOf(value);
  if ((proto !== objectProto && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // class-transformer / toJSON decide: compare their output
    const converted = toPlain(value);
    return plainEqual(converted === undefined ? dropped : converted, plain);
  }
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) return false;
  const record = value as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(record)) {
    let other: Plain | undefined = plain[key];
    if (other !== undefined && !Object.prototype.hasOwnProperty.call(plain, key)) other = undefined;
    const item = record[key];
    if (item !== other && !same(item, other, undefined)) return false;
    if (other !== undefined) count++;
  }
  let total = 0;
  for (const key in plain) if (Object.prototype.hasOwnProperty.call(plain, key)) total++;
  return count === total;
}
