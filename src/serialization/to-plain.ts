import { instanceToPlain } from 'class-transformer';
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
  return walk(value, new Set(), 0);
}

const MAX_DEPTH = 256;

function walk(value: unknown, ancestors: Set<object>, depth: number): Plain | undefined {
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
    if (Array.isArray(obj)) {
      const out: Plain[] = new Array(obj.length);
      for (let i = 0; i < obj.length; i++) {
        const v = walk(obj[i], ancestors, depth + 1);
        out[i] = v === undefined ? null : v;
      }
      return out;
    }
    const proto = Object.getPrototypeOf(obj);
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
      return walk((obj as { toJSON(): unknown }).toJSON(), ancestors, depth + 1);
    }
    if (proto === objectProto || proto === null) return walkObject(obj as Record<string, unknown>, ancestors, depth);
    if (obj instanceof Map) {
      const out: Record<string, Plain> = {};
      for (const [k, v] of obj) {
        const p = walk(v, ancestors, depth + 1);
        if (p !== undefined) defineKey(out, String(k), p);
      }
      return out;
    }
    if (obj instanceof Set) return walk([...obj], ancestors, depth + 1) as Plain;
    // A class instance: class-transformer decides which properties are exposed.
    let converted: unknown;
    try {
      converted = instanceToPlain(obj);
    } catch (err) {
      if (err instanceof RangeError) throw new SerializationError('circular reference');
      throw err;
    }
    return walkObject(converted as Record<string, unknown>, ancestors, depth);
  } finally {
    ancestors.delete(obj);
  }
}

function walkObject(obj: Record<string, unknown>, ancestors: Set<object>, depth: number): Plain {
  const out: Record<string, Plain> = {};
  for (const key of Object.keys(obj)) {
    const p = walk(obj[key], ancestors, depth + 1);
    if (p !== undefined) defineKey(out, key, p);
  }
  return out;
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
 * objects, arrays, primitives and Dates are compared in place (no allocation);
 * anything class-transformer or `toJSON` decides (class instances, Map, Set)
 * falls back to `toPlain` for that subtree. Throws `SerializationError` where
 * `toPlain` would. Used to skip unchanged assigns without cloning them.
 */
export function equalsPlain(value: unknown, plain: Plain | undefined): boolean {
  return same(value, plain);
}

function isDropped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

// The walk goes down `plain` in lockstep, so it is as deep as `plain` (finite, acyclic):
// a cycle in `value` meets a leaf of `plain` and answers false; `toPlain` then reports it.
function same(value: unknown, plain: Plain | undefined): boolean {
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
      return plain === undefined;
  }
  if (value === null) return plain === null;
  if (plain === null || typeof plain !== 'object') {
    return value instanceof Date ? plain === (Number.isNaN(value.getTime()) ? null : value.toISOString()) : plainEqual(toPlain(value), plain);
  }
  if (Array.isArray(value)) {
    if (!Array.isArray(plain) || value.length !== plain.length) return false;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (isDropped(item) ? plain[i] !== null : !same(item, plain[i])) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if ((proto !== objectProto && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return plainEqual(toPlain(value), plain); // class-transformer / toJSON decide: compare their output
  }
  if (Array.isArray(plain)) return false;
  const record = value as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (isDropped(item)) continue;
    count++;
    const other = plain[key];
    if (other === undefined || !Object.prototype.hasOwnProperty.call(plain, key) || !same(item, other)) return false;
  }
  let total = 0;
  for (const key in plain) if (Object.prototype.hasOwnProperty.call(plain, key)) total++;
  return count === total;
}
