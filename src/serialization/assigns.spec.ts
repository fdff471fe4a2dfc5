import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Exclude, instanceToPlain } from 'class-transformer';
import fc from 'fast-check';
import type { ViewRecord } from '../discovery/view-record.interface.js';
import { LiveViewBase } from '../live-view.base.js';
import { assignKeys, diffAssigns, snapshotAssigns, type AssignsSnapshot } from './assigns.js';
import { SerializationError } from './serialization.error.js';
import { equalsPlain, isShapedArray, toPlain, toPlainFrom, type Plain } from './to-plain.js';

// ---------------------------------------------------------------------------
// The reference: the diff exactly as it was defined before the fast paths —
// `toPlain` (a verbatim copy of the original walk, so it shares no code with the
// implementation under test) + deep compare, key by key.
// ---------------------------------------------------------------------------

const objectProto = Object.prototype;

function referenceToPlain(value: unknown): Plain | undefined {
  return refWalk(value, new Set(), 0);
}

function refWalk(value: unknown, ancestors: Set<object>, depth: number): Plain | undefined {
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
  if (depth > 256) throw new SerializationError('nesting is too deep');
  if (ancestors.has(obj)) throw new SerializationError('circular reference');
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      const out: Plain[] = new Array(obj.length);
      for (let i = 0; i < obj.length; i++) {
        const v = refWalk(obj[i], ancestors, depth + 1);
        out[i] = v === undefined ? null : v;
      }
      return out;
    }
    const proto = Object.getPrototypeOf(obj);
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return refWalk((obj as { toJSON(): unknown }).toJSON(), ancestors, depth + 1);
    if (proto === objectProto || proto === null) return refWalkObject(obj as Record<string, unknown>, ancestors, depth);
    if (obj instanceof Map) {
      const out: Record<string, Plain> = {};
      for (const [k, v] of obj) {
        const p = refWalk(v, ancestors, depth + 1);
        if (p !== undefined) define(out, String(k), p);
      }
      return out;
    }
    if (obj instanceof Set) return refWalk([...obj], ancestors, depth + 1) as Plain;
    let converted: unknown;
    try {
      converted = instanceToPlain(obj);
    } catch (err) {
      if (err instanceof RangeError) throw new SerializationError('circular reference');
      throw err;
    }
    return refWalkObject(converted as Record<string, unknown>, ancestors, depth);
  } finally {
    ancestors.delete(obj);
  }
}

function refWalkObject(obj: Record<string, unknown>, ancestors: Set<object>, depth: number): Plain {
  const out: Record<string, Plain> = {};
  for (const key of Object.keys(obj)) {
    const p = refWalk(obj[key], ancestors, depth + 1);
    if (p !== undefined) define(out, key, p);
  }
  return out;
}

function define(out: Record<string, Plain>, key: string, value: Plain): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function refEqual(a: Plain | undefined, b: Plain | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!refEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !refEqual(a[k], (b as Record<string, Plain>)[k])) return false;
  return true;
}

const record = { dependencyKeys: new Set(['dep']) } as unknown as ViewRecord;

function referenceSnapshot(view: LiveViewBase): AssignsSnapshot {
  const out: AssignsSnapshot = Object.create(null);
  for (const key of assignKeys(view, record)) {
    const v = referenceToPlain((view as unknown as Record<string, unknown>)[key]);
    out[key] = v === undefined ? null : v;
  }
  return out;
}

function referenceDiff(view: LiveViewBase, before: AssignsSnapshot, update: boolean): Record<string, Plain> {
  const changed: Record<string, Plain> = {};
  const keys = assignKeys(view, record);
  for (const key of keys) {
    const raw = referenceToPlain((view as unknown as Record<string, unknown>)[key]);
    const now = raw === undefined ? null : raw;
    if (key in before && refEqual(now, before[key])) continue;
    define(changed, key, now);
    if (update) before[key] = now;
  }
  if (update) {
    const live = new Set(keys);
    for (const key of Object.keys(before)) if (!live.has(key)) delete before[key];
  }
  return changed;
}

/** Equal as values (prototypes, -0, key sets: deepStrictEqual) and as JSON text (key order). */
function assertSamePlain(actual: unknown, expected: unknown, what: string): void {
  assert.deepStrictEqual(actual, expected, what);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${what} (key order)`);
}

type Outcome<T> = { ok: T } | { error: string };

function outcome<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: fn() };
  } catch (err) {
    // SerializationError for cycles and BigInt; anything else a user's toJSON or class-transformer throws.
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function assertSameOutcome<T>(actual: Outcome<T>, expected: Outcome<T>, what: string): void {
  if ('error' in expected) assert.deepStrictEqual(actual, expected, `${what}: expected ${expected.error}`);
  else if ('error' in actual) assert.fail(`${what}: threw ${actual.error}, the reference did not`);
  else assertSamePlain(actual.ok, expected.ok, what);
}

// ---------------------------------------------------------------------------
// Random assigns: generated as descriptors (plain data fast-check can shrink and
// print), turned into fresh live objects for each run.
// ---------------------------------------------------------------------------

class Model {
  id = 1;
  @Exclude() secret = 's';
  when = new Date(0);
  constructor(id?: number) {
    if (id !== undefined) this.id = id;
  }
}

/** A Date whose ISO string is its own (toPlain calls `toISOString` on the object). */
class StampDate extends Date {
  override toISOString(): string {
    return `stamp:${super.toISOString()}`;
  }
}

const FN = () => 1;
const PRIMS: readonly unknown[] = [0, 1, 2, -0, 2.5, -7, NaN, Infinity, '', 'a', 'b', 'SKU-1', '\u2028', true, false, null, undefined, FN, Symbol.for('s')];
/** Row keys, including ones the generated code must quote or treat specially. */
const KEYS = ['id', 'name', 'qty', 'ok', '__proto__', 'toJSON', '0', '7', 'constructor', 'a b', '"q\\', '\u2028', '${x}', '}'];

type Desc =
  | { t: 'prim'; i: number }
  | { t: 'date'; ms: number; sub?: boolean }
  | { t: 'map'; e: [string, Desc][] }
  | { t: 'set'; e: Desc[] }
  | { t: 'model'; id: number }
  | { t: 'json'; v: Desc }
  | { t: 'obj'; e: [string, Desc][]; np: boolean }
  | { t: 'arr'; e: Desc[] }
  | { t: 'rows'; keys: string[]; vals: Desc[][]; np: boolean }
  | { t: 'big' };

const primDesc = fc.integer({ min: 0, max: PRIMS.length - 1 }).map((i): Desc => ({ t: 'prim', i }));
/** Mostly finite numbers, strings, booleans, null: the values the specialised rows handle. */
const commonPrimDesc = fc.constantFrom(0, 1, 2, 4, 5, 9, 10, 11, 12, 13, 15).map((i): Desc => ({ t: 'prim', i }));
const key = fc.constantFrom(...KEYS);
/**
 * The key lists rows are made with. A fixed set, so the few hundred compiled shapes
 * the implementation allows are not used up by random key lists and every run
 * exercises the specialised code (mutations still add, drop and reorder keys).
 */
const KEY_LISTS: readonly string[][] = [
  [],
  ['id'],
  ['id', 'name', 'qty', 'ok'],
  ['name', 'id'],
  ['__proto__', 'id'],
  ['0', '7', 'id'],
  ['0', '1'],
  ['toJSON', 'name'],
  ['constructor', 'a b', '"q\\', '\u2028', '${x}', '}'],
];

const { desc } = fc.letrec<{ desc: Desc; leaf: Desc }>((tie) => ({
  leaf: fc.oneof(
    { weight: 8, arbitrary: primDesc },
    { weight: 1, arbitrary: fc.record({ ms: fc.constantFrom(0, 1, 86_400_000, NaN), sub: fc.boolean() }).map(({ ms, sub }): Desc => ({ t: 'date', ms, sub })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((id): Desc => ({ t: 'model', id })) },
  ),
  desc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: tie('leaf') },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('k', 'l', '1'), tie('desc')), { maxLength: 3 }).map((e): Desc => ({ t: 'map', e })) },
    { weight: 1, arbitrary: fc.array(tie('desc'), { maxLength: 3 }).map((e): Desc => ({ t: 'set', e })) },
    { weight: 1, arbitrary: tie('desc').map((v): Desc => ({ t: 'json', v })) },
    { weight: 2, arbitrary: fc.record({ e: fc.array(fc.tuple(key, tie('desc')), { maxLength: 3 }), np: fc.boolean() }).map(({ e, np }): Desc => ({ t: 'obj', e, np })) },
    { weight: 2, arbitrary: fc.array(tie('desc'), { maxLength: 4 }).map((e): Desc => ({ t: 'arr', e })) },
  ),
}));

/** An array of rows with one key list: long enough to get the specialised code, values mostly primitive. */
const rowsDesc: fc.Arbitrary<Desc> = fc
  .record({
    keys: fc.constantFrom(...KEY_LISTS),
    count: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 16, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }) }),
    np: fc.boolean(),
    odd: fc.integer({ min: 0, max: 9 }),
  })
  .chain(({ keys, count, np, odd }) =>
    fc
      .array(fc.array(odd === 0 ? fc.oneof(commonPrimDesc, desc) : fc.oneof({ weight: 40, arbitrary: commonPrimDesc }, { weight: 1, arbitrary: desc }), { minLength: keys.length, maxLength: keys.length }), {
        minLength: count,
        maxLength: count,
      })
      .map((vals): Desc => ({ t: 'rows', keys, vals, np: np && odd === 1 })),
  );

function defineField(target: Record<string, unknown>, k: string, v: unknown): void {
  // Own and enumerable like any assignment, also for `__proto__` (as JSON.parse makes it).
  Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function makeObject(entries: [string, unknown][], nullProto: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = nullProto ? Object.create(null) : {};
  for (const [k, v] of entries) defineField(out, k, v);
  return out;
}

function live(d: Desc): unknown {
  switch (d.t) {
    case 'prim':
      return PRIMS[d.i] === FN ? () => 1 : PRIMS[d.i];
    case 'date':
      return d.sub ? new StampDate(d.ms) : new Date(d.ms);
    case 'map':
      return new Map(d.e.map(([k, v]) => [k, live(v)]));
    case 'set':
      return new Set(d.e.map(live));
    case 'model':
      return new Model(d.id);
    case 'json': {
      const inner = d.v;
      return { toJSON: () => live(inner) };
    }
    case 'obj':
      return makeObject(
        d.e.map(([k, v]) => [k, live(v)]),
        d.np,
      );
    case 'arr':
      return d.e.map(live);
    case 'rows':
      return d.vals.map((vals) =>
        makeObject(
          d.keys.map((k, j) => [k, live(vals[j])]),
          d.np,
        ),
      );
    case 'big':
      return 1n;
  }
}

/** Picks one of the view's row arrays (the top-level one, or one nested in an object assign). */
type ArrayRef = 0 | 1;

type Mutation =
  | { m: 'setAssign'; name: string; v: Desc }
  | { m: 'deleteAssign'; name: string }
  | { m: 'setField'; a: ArrayRef; i: number; k: string; v: Desc }
  | { m: 'deleteField'; a: ArrayRef; i: number; k: string }
  | { m: 'reorderField'; a: ArrayRef; i: number; k: string }
  | { m: 'hideField'; a: ArrayRef; i: number; k: string }
  | { m: 'getter'; a: ArrayRef; i: number; k: string; v: Desc }
  | { m: 'push'; a: ArrayRef; v: Desc[] }
  | { m: 'pop'; a: ArrayRef }
  | { m: 'splice'; a: ArrayRef; i: number; del: number; v: Desc[] }
  | { m: 'reverse'; a: ArrayRef }
  | { m: 'setRow'; a: ArrayRef; i: number; v: Desc }
  | { m: 'copyRow'; a: ArrayRef; i: number }
  | { m: 'hole'; a: ArrayRef; i: number }
  | { m: 'grow'; a: ArrayRef; by: number }
  | { m: 'share'; a: ArrayRef; i: number; j: number }
  | { m: 'cycle'; a: ArrayRef; i: number; self: boolean }
  | { m: 'uncycle'; a: ArrayRef }
  | { m: 'proto'; a: ArrayRef; i: number; to: 'null' | 'model' | 'object' }
  | { m: 'rowToJSON'; a: ArrayRef; i: number; v: Desc; enumerable: boolean }
  | { m: 'bigint'; a: ArrayRef; i: number; k: string }
  | { m: 'date'; ms: number; patch: boolean }
  | { m: 'mapSet'; k: string; v: Desc }
  | { m: 'setAdd'; v: Desc }
  | { m: 'signedZero'; a: ArrayRef; i: number; j: number }
  | { m: 'arrayRow'; a: ArrayRef; i: number; plainProto: boolean };

const ASSIGN_NAMES = ['scalar', 'rows', 'nested', 'other', 'when', 'map', 'set', 'fresh', '__proto__'];
const idx = fc.nat({ max: 60 });
const arrayRef = fc.constantFrom<ArrayRef>(0, 1);
const rowValues = fc.array(fc.oneof({ weight: 6, arbitrary: commonPrimDesc }, { weight: 1, arbitrary: desc }), { maxLength: 5 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ m: fc.constant('setAssign' as const), name: fc.constantFrom(...ASSIGN_NAMES), v: fc.oneof(desc, rowsDesc) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('deleteAssign' as const), name: fc.constantFrom(...ASSIGN_NAMES) }) },
  { weight: 6, arbitrary: fc.record({ m: fc.constant('setField' as const), a: arrayRef, i: idx, k: key, v: fc.oneof({ weight: 3, arbitrary: commonPrimDesc }, { weight: 2, arbitrary: desc }) }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('deleteField' as const), a: arrayRef, i: idx, k: key }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('reorderField' as const), a: arrayRef, i: idx, k: key }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('hideField' as const), a: arrayRef, i: idx, k: key }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('getter' as const), a: arrayRef, i: idx, k: key, v: desc }) },
  { weight: 3, arbitrary: fc.record({ m: fc.constant('push' as const), a: arrayRef, v: rowValues }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('pop' as const), a: arrayRef }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('splice' as const), a: arrayRef, i: idx, del: fc.nat({ max: 3 }), v: fc.array(rowValues, { maxLength: 2 }).map((rows) => rows.flat()) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('reverse' as const), a: arrayRef }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('setRow' as const), a: arrayRef, i: idx, v: desc }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('copyRow' as const), a: arrayRef, i: idx }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('hole' as const), a: arrayRef, i: idx }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('grow' as const), a: arrayRef, by: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('share' as const), a: arrayRef, i: idx, j: idx }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('cycle' as const), a: arrayRef, i: idx, self: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('uncycle' as const), a: arrayRef }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('proto' as const), a: arrayRef, i: idx, to: fc.constantFrom('null' as const, 'model' as const, 'object' as const) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('rowToJSON' as const), a: arrayRef, i: idx, v: desc, enumerable: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('bigint' as const), a: arrayRef, i: idx, k: key }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('date' as const), ms: fc.constantFrom(0, 5, NaN), patch: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('mapSet' as const), k: fc.constantFrom('k', 'z'), v: desc }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('setAdd' as const), v: desc }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('signedZero' as const), a: arrayRef, i: idx, j: fc.nat({ max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('arrayRow' as const), a: arrayRef, i: idx, plainProto: fc.boolean() }) },
);

class TestView extends LiveViewBase {}

type Bag = Record<string, unknown>;

function target(view: Bag, a: ArrayRef): unknown[] | undefined {
  const t = a === 0 ? view.rows : (view.nested as Bag | undefined)?.inner;
  return Array.isArray(t) ? t : undefined;
}

function rowAt(view: Bag, a: ArrayRef, i: number): Bag | undefined {
  const arr = target(view, a);
  if (!arr || arr.length === 0) return undefined;
  const row = arr[i % arr.length];
  return typeof row === 'object' && row !== null && !Array.isArray(row) ? (row as Bag) : undefined;
}

/** A row like the array's first one (same keys, in order), with the given values. */
function newRow(arr: unknown[], values: Desc[]): Bag {
  const first = arr.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r)) as Bag | undefined;
  const keys = first ? Object.keys(first) : ['id'];
  return makeObject(
    keys.map((k, j) => [k, j < values.length ? live(values[j]) : 0]),
    false,
  );
}

function apply(view: Bag, mu: Mutation): void {
  const arr = 'a' in mu ? target(view, mu.a) : undefined;
  const row = 'a' in mu && 'i' in mu ? rowAt(view, mu.a, mu.i) : undefined;
  switch (mu.m) {
    case 'setAssign':
      if (mu.name === '__proto__') defineField(view, mu.name, live(mu.v));
      else view[mu.name] = live(mu.v);
      return;
    case 'deleteAssign':
      delete view[mu.name];
      return;
    case 'setField':
      if (row) defineField(row, mu.k, live(mu.v));
      return;
    case 'deleteField':
      if (row) delete row[mu.k];
      return;
    case 'reorderField':
      if (row && Object.prototype.hasOwnProperty.call(row, mu.k)) {
        const v = row[mu.k];
        delete row[mu.k];
        defineField(row, mu.k, v);
      }
      return;
    case 'hideField':
      if (row && Object.prototype.hasOwnProperty.call(row, mu.k)) Object.defineProperty(row, mu.k, { enumerable: false });
      return;
    case 'getter': {
      const v = live(mu.v);
      if (row) Object.defineProperty(row, mu.k, { get: () => v, enumerable: true, configurable: true });
      return;
    }
    case 'push':
      if (arr) arr.push(newRow(arr, mu.v));
      return;
    case 'pop':
      arr?.pop();
      return;
    case 'splice':
      if (arr) arr.splice(arr.length === 0 ? 0 : mu.i % (arr.length + 1), mu.del, ...(mu.v.length > 0 ? [newRow(arr, mu.v)] : []));
      return;
    case 'reverse':
      arr?.reverse();
      return;
    case 'setRow':
      if (arr && arr.length > 0) arr[mu.i % arr.length] = live(mu.v);
      return;
    case 'copyRow':
      // The same keys and values in a new object (a new hidden class is not a change).
      if (arr && row) arr[mu.i % arr.length] = makeObject(Object.entries(row), Object.getPrototypeOf(row) === null);
      return;
    case 'hole':
      if (arr && arr.length > 0) delete arr[mu.i % arr.length];
      return;
    case 'grow':
      if (arr) arr.length += mu.by;
      return;
    case 'share':
      if (arr && arr.length > 0) arr[mu.i % arr.length] = arr[mu.j % arr.length];
      return;
    case 'cycle':
      if (row) row.loop = mu.self ? row : arr;
      return;
    case 'uncycle':
      for (const r of arr ?? []) if (typeof r === 'object' && r !== null && 'loop' in r) delete (r as Bag).loop;
      return;
    case 'proto':
      if (row) Object.setPrototypeOf(row, mu.to === 'null' ? null : mu.to === 'model' ? Model.prototype : Object.prototype);
      return;
    case 'rowToJSON': {
      const v = live(mu.v);
      if (row) Object.defineProperty(row, 'toJSON', { value: () => v, enumerable: mu.enumerable, configurable: true, writable: true });
      return;
    }
    case 'bigint':
      if (row) defineField(row, mu.k, 1n);
      return;
    case 'date': {
      // setTime on the Date assign and on the first Date in a row; or give that one its own toISOString.
      const change = (d: Date) => (mu.patch ? Object.defineProperty(d, 'toISOString', { value: () => `own:${mu.ms}`, configurable: true }) : d.setTime(mu.ms));
      if (view.when instanceof Date) change(view.when);
      for (const r of target(view, 0) ?? []) {
        const d = typeof r === 'object' && r !== null ? Object.values(r).find((x) => x instanceof Date) : undefined;
        if (d) return void change(d as Date);
      }
      return;
    }
    case 'mapSet':
      if (view.map instanceof Map) view.map.set(mu.k, live(mu.v));
      return;
    case 'setAdd':
      if (view.set instanceof Set) view.set.add(live(mu.v));
      return;
    case 'arrayRow':
      // The row's values as an array — with Object.prototype as its prototype, still an array to toPlain.
      if (arr && row) arr[mu.i % arr.length] = mu.plainProto ? Object.setPrototypeOf(Object.values(row), Object.prototype) : Object.values(row);
      return;
    case 'signedZero': {
      // 0 and -0 compare equal (no change), but a row rebuilt for another change must keep the live sign.
      const keys = row ? Object.keys(row) : [];
      if (row && keys.length > 0) defineField(row, keys[mu.j % keys.length], Object.is(row[keys[mu.j % keys.length]], -0) ? 0 : -0);
      return;
    }
  }
}

interface Scenario {
  scalar: Desc;
  rows: Desc;
  inner: Desc;
  other: Desc;
  steps: Mutation[][];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  scalar: primDesc,
  rows: rowsDesc,
  inner: rowsDesc,
  other: desc,
  steps: fc.array(fc.array(mutation, { minLength: 0, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
});

function mountView(s: Scenario): Bag {
  const view = new TestView() as unknown as Bag;
  view.scalar = live(s.scalar);
  view.rows = live(s.rows);
  view.nested = { inner: live(s.inner), label: 'n' };
  view.other = live(s.other);
  view.when = new Date(0);
  view.map = new Map<string, unknown>([['k', 1]]);
  view.set = new Set<unknown>([1]);
  view._private = [1];
  view.dep = { injected: true };
  view.method = () => 1;
  return view;
}

/** `DIFF_PROPERTY_RUNS` / `DIFF_PROPERTY_SEED` run the properties longer or elsewhere (the seeds below are the defaults). */
const RUNS = Number(process.env.DIFF_PROPERTY_RUNS ?? 300);
const seed = (fallback: number) => (process.env.DIFF_PROPERTY_SEED ? Number(process.env.DIFF_PROPERTY_SEED) : fallback);

describe('diffAssigns fast paths', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, sku: `SKU-${i}`, qty: i % 7, price: i * 1.5, shipped: i % 2 === 0 }));

  it('records arrays of same-key plain rows, and only those', () => {
    const view = new TestView() as unknown as Bag;
    view.rows = rows(100);
    view.few = rows(3);
    view.mixed = [...rows(20), 5];
    view.classes = Array.from({ length: 20 }, () => new Model());
    const snap = snapshotAssigns(view as unknown as LiveViewBase, record);
    assert.equal(isShapedArray(snap.rows), true);
    assert.equal(isShapedArray(snap.few), false);
    assert.equal(isShapedArray(snap.mixed), false);
    assert.equal(isShapedArray(snap.classes), false);
  });

  it('detects nested edits, pushes and added keys in a shaped array, and reuses the unchanged rows', () => {
    const view = new TestView() as unknown as Bag & { rows: Bag[] };
    view.status = 'new';
    view.rows = rows(1000);
    const v = view as unknown as LiveViewBase;
    const baseline = snapshotAssigns(v, record);
    view.status = 'x';
    assert.deepEqual(diffAssigns(v, record, baseline, true), { status: 'x' });
    view.rows[5].qty = 99;
    const old = baseline.rows as Bag[];
    const changed = diffAssigns(v, record, baseline, true);
    assert.deepEqual(Object.keys(changed), ['rows']);
    assert.equal((changed.rows as Bag[])[5].qty, 99);
    assert.equal((changed.rows as Bag[])[4], old[4], 'unchanged rows are shared with the old baseline');
    assert.notEqual((changed.rows as Bag[])[5], old[5]);
    assert.equal(isShapedArray(baseline.rows), true);
    view.rows.push({ id: 1000, sku: 'new', qty: 1, price: 1, shipped: false });
    assert.equal((diffAssigns(v, record, baseline, true).rows as Bag[]).length, 1001);
    view.rows[7].note = 'added';
    assert.deepEqual((diffAssigns(v, record, baseline, true).rows as Bag[])[7].note, 'added');
    assert.deepEqual(diffAssigns(v, record, baseline, true), {});
  });

  it('quotes every key in the generated code', () => {
    const keys = ['__proto__', '"', "'", '\\', '`', '${1}', '}); throw 1; ({', '\u2028', '\n', 'constructor', '0', 'toString'];
    const list = Array.from({ length: 20 }, (_, i) => makeObject(keys.map((k) => [k, `${k}:${i}`]), false));
    const plain = toPlain(list);
    assert.equal(isShapedArray(plain), true);
    assertSamePlain(plain, referenceToPlain(list), 'odd keys');
    assert.equal(Object.getPrototypeOf((plain as Bag[])[0]), Object.prototype);
    assert.equal(equalsPlain(list, plain), true);
    (list[3] as Bag)['}); throw 1; ({'] = 'changed';
    assert.equal(equalsPlain(list, plain), false);
  });

  it('throws the same SerializationError for a cycle through a shaped row', () => {
    const list: Bag[] = rows(20);
    const plain = toPlain(list);
    list[4].self = list;
    assert.equal(equalsPlain(list, plain), false);
    assert.throws(() => toPlain(list), { name: 'SerializationError', message: 'Value cannot be serialized: circular reference' });
    assert.throws(() => toPlainFrom(list, plain), { name: 'SerializationError', message: 'Value cannot be serialized: circular reference' });
  });

  it('ignores inherited enumerable keys as toPlain does (a polluted Object.prototype)', () => {
    const list: Bag[] = Array.from({ length: 20 }, (_, i) => ({ id: i, polluted: i }));
    const plain = toPlain(list);
    assert.equal(isShapedArray(plain), true);
    (Object.prototype as Bag).polluted = 'inherited';
    try {
      delete list[3].polluted; // row 3 now lists `polluted` in for…in only through the prototype
      assert.equal(equalsPlain(list, plain), false);
      assertSamePlain(toPlain(list), referenceToPlain(list), 'polluted prototype');
      assertSamePlain(toPlainFrom(list, plain), referenceToPlain(list), 'polluted prototype, reusing rows');
    } finally {
      delete (Object.prototype as Bag).polluted;
    }
  });

  it('works the same where code generation from strings is disallowed', () => {
    const script = `
      const { toPlain, equalsPlain, isShapedArray } = await import(${JSON.stringify(new URL('./to-plain.js', import.meta.url).href)});
      const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: 'n' + i }));
      const plain = toPlain(rows);
      rows[3].name = 'x';
      console.log(JSON.stringify([isShapedArray(plain), equalsPlain(rows, plain), equalsPlain(rows, toPlain(rows))]));
    `;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [false, false, true]);
  });
});

describe('diffAssigns against the toPlain-based reference', () => {
  it('gives the same changes and the same baseline over random mutation sequences (WS: baseline kept and updated)', () => {
    let shapedDiffs = 0;
    let diffs = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const view = mountView(s);
        const v = view as unknown as LiveViewBase;
        const initial = outcome(() => snapshotAssigns(v, record));
        const refInitial = outcome(() => referenceSnapshot(v));
        assertSameOutcome(initial, refInitial, 'mount snapshot');
        if (!('ok' in initial) || !('ok' in refInitial)) return;
        const baseline = initial.ok;
        const refBaseline = refInitial.ok;
        s.steps.forEach((step, n) => {
          for (const mu of step) apply(view, mu);
          diffs++;
          if (isShapedArray(baseline.rows)) shapedDiffs++;
          const changed = outcome(() => diffAssigns(v, record, baseline, true));
          const expected = outcome(() => referenceDiff(v, refBaseline, true));
          assertSameOutcome(changed, expected, `step ${n} changes`);
          assertSamePlain(baseline, refBaseline, `step ${n} baseline`);
        });
      }),
      { seed: seed(0xd1ff), numRuns: RUNS },
    );
    // The proof is only worth something if the specialised code ran: most diffs start from a shaped baseline.
    assert.ok(shapedDiffs > diffs / 3, `${shapedDiffs} of ${diffs} diffs had a shaped baseline`);
  });

  it('gives the same changes over random mutations of a fresh snapshot, which stays untouched (HTTP)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const view = mountView(s);
        const v = view as unknown as LiveViewBase;
        s.steps.forEach((step, n) => {
          const before = outcome(() => snapshotAssigns(v, record));
          const refBefore = outcome(() => referenceSnapshot(v));
          assertSameOutcome(before, refBefore, `step ${n} snapshot`);
          if (!('ok' in before) || !('ok' in refBefore)) return;
          const copy = referenceSnapshot(v);
          for (const mu of step) apply(view, mu);
          const changed = outcome(() => diffAssigns(v, record, before.ok));
          const expected = outcome(() => referenceDiff(v, refBefore.ok, false));
          assertSameOutcome(changed, expected, `step ${n} changes`);
          assertSamePlain(before.ok, copy, `step ${n} snapshot untouched`);
        });
      }),
      { seed: seed(0x4770), numRuns: RUNS },
    );
  });

  it('serializes every generated value exactly as the reference does (toPlain, toPlainFrom)', () => {
    fc.assert(
      fc.property(fc.oneof(rowsDesc, desc), fc.array(mutation, { maxLength: 4 }), (d, mutations) => {
        const view = { rows: live(d), nested: { inner: live(d) } } as Bag;
        const first = outcome(() => toPlain(view));
        assertSameOutcome(first, outcome(() => referenceToPlain(view)), 'toPlain');
        for (const mu of mutations) apply(view, mu);
        const expected = outcome(() => referenceToPlain(view));
        assertSameOutcome(
          outcome(() => toPlain(view)),
          expected,
          'toPlain after mutations',
        );
        if ('ok' in first) assertSameOutcome(outcome(() => toPlainFrom(view, first.ok)), expected, 'toPlainFrom');
      }),
      { seed: seed(0x7013), numRuns: RUNS },
    );
  });

  it('compares shaped arrays exactly as toPlain + deep compare does (equalsPlain)', () => {
    fc.assert(
      fc.property(rowsDesc, rowsDesc, fc.array(mutation, { maxLength: 3 }), (a, b, mutations) => {
        const view = { rows: live(a) } as Bag;
        const other = live(b);
        const before = toPlain(view.rows) as Plain;
        for (const mu of mutations) apply(view, mu);
        const expected = outcome(() => refEqual(referenceToPlain(view.rows), before));
        if ('ok' in expected) assert.equal(equalsPlain(view.rows, before), expected.ok);
        const otherPlain = outcome(() => referenceToPlain(other));
        if ('ok' in otherPlain && 'ok' in expected) {
          assert.equal(
            equalsPlain(view.rows, toPlain(other)),
            refEqual(referenceToPlain(view.rows), otherPlain.ok),
          );
        }
      }),
      { seed: seed(0xe0a1), numRuns: RUNS },
    );
  });
});
