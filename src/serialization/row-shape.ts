import type { Plain } from './to-plain.js';

/** A plain object row as `toPlain` builds it. */
export type PlainRow = { [key: string]: Plain };

/** `toPlain` + deep compare of one value against one plain value (to-plain's own `same`). */
export type SameFn = (value: unknown, plain: Plain | undefined) => boolean;

/**
 * Called by `build` for a row that fits the shape but holds a value that is not
 * a JSON primitive: gets the row and its values (read once, in key order) and
 * returns the plain row, walking the values the way `toPlain` does.
 */
export type RowConverter = (row: object, values: unknown[]) => PlainRow;

/**
 * Code specialised for the rows of one key list — the common "array of plain
 * objects with the same fields" assign. A value *fits* the shape when it is a
 * plain object (prototype `Object.prototype` or `null`, not an array), has no `toJSON`, and
 * its enumerable string keys (own and inherited, `for…in` order) are exactly
 * `keys`, in that order. For such a value `toPlain` is a plain object with
 * those keys in that order (minus keys whose value is dropped), so the fields
 * can be read with fixed property names instead of a generic walk.
 *
 * The baseline side (`plain`) must be an array whose every element is a plain
 * row with exactly `keys` as own enumerable keys — `to-plain.ts` records which
 * arrays it built that way and hands only those to `scanEqual`/`scanIdentical`.
 */
export interface RowShape {
  readonly keys: readonly string[];
  /**
   * Compares `value[i]` with `plain[i]` for `i` from `from` while `i < end`, as
   * `same` would. Returns `end` when all rows are equal; `i` (≥ 0) when `value[i]`
   * does not fit the shape (the caller compares that row generically and goes on
   * from `i + 1`); `-1 - i` when row `i` is different.
   */
  scanEqual(value: ArrayLike<unknown>, plain: ArrayLike<Plain>, from: number, end: number): number;
  /**
   * The first `i` in `[from, end)` for which `value[i]` does not fit the shape
   * or has a field that is not `Object.is`-identical to the one in `plain[i]`,
   * or `end`. Rows before it can be reused as they are: a plain value is a fixed
   * point of `toPlain`, so a row whose fields are the very values of `plain[i]`
   * serializes to exactly `plain[i]` (same keys, same order, same -0).
   */
  scanIdentical(value: ArrayLike<unknown>, plain: ArrayLike<Plain>, from: number, end: number): number;
  /**
   * The plain row of `row` if it fits the shape: built directly when every value
   * is a JSON primitive (string, boolean, null, finite number), through
   * `convert` otherwise. `undefined` when it does not fit (then nothing was read
   * but its first key's presence, its prototype, `toJSON` and its key list).
   */
  build(row: unknown, convert: RowConverter): PlainRow | undefined;
}

/** Rows with more keys than this are left to the generic walk. */
const MAX_KEYS = 64;
/** At most this many distinct key lists get compiled code (keys built from data must not grow it without bound). */
const MAX_SHAPES = 512;

const shapes = new Map<string, RowShape | null>();
let codegenAvailable = true;

/**
 * The compiled shape for a key list (cached per list), or `undefined` when
 * there is none: too many keys, too many shapes already, or code generation
 * disallowed (`--disallow-code-generation-from-strings`); callers then take
 * the generic path, which gives the same answers.
 */
export function rowShapeFor(keys: readonly string[], same: SameFn): RowShape | undefined {
  if (!codegenAvailable || keys.length > MAX_KEYS) return undefined;
  const signature = JSON.stringify(keys);
  let shape = shapes.get(signature);
  if (shape === undefined) {
    if (shapes.size >= MAX_SHAPES) return undefined;
    shape = compile(keys, same);
    shapes.set(signature, shape);
  }
  return shape ?? undefined;
}

// The generated code reads and writes properties only by string literals made with
// JSON.stringify (never by concatenating a key into code), and `__proto__` is always a
// computed key in object literals, so it defines an own property and never sets the prototype.
function compile(keys: readonly string[], same: SameFn): RowShape | null {
  const n = keys.length;
  const lit = keys.map((k) => JSON.stringify(k));
  // `in` first: it calls no getter, and the map check it leaves behind makes the
  // prototype read below nearly free. Then prototype, `toJSON`, the exact key list.
  const fits = (fail: string): string =>
    [
      `if (typeof r !== 'object' || r === null) ${fail}`,
      n > 0 ? `if (!(${lit[0]} in r)) ${fail}` : '',
      `const proto = Object.getPrototypeOf(r);`,
      `if (proto !== Object.prototype && proto !== null) ${fail}`,
      // An array is one whatever its prototype (and a proxy of one too): toPlain writes it as an array.
      `if (Array.isArray(r)) ${fail}`,
      `if (r.toJSON !== undefined) ${fail}`,
      `let c = 0;`,
      `for (const k in r) { if (k !== KEYS[c]) ${fail} c++; }`,
      `if (c !== ${n}) ${fail}`,
    ].join('\n');
  const field = (j: number) => `[${lit[j]}]`;
  const scanEqual = `function scanEqual(a, p, i, end) {
  for (; i < end; i++) {
    const r = a[i];
    ${fits('return i;')}
    const q = p[i];
    let v;
    ${keys.map((_, j) => `v = r${field(j)}; if (v !== q${field(j)} && !same(v, q${field(j)})) return -1 - i;`).join('\n    ')}
  }
  return end;
}`;
  const scanIdentical = `function scanIdentical(a, p, i, end) {
  for (; i < end; i++) {
    const r = a[i];
    ${fits('return i;')}
    const q = p[i];
    ${keys.map((_, j) => `if (!Object.is(r${field(j)}, q${field(j)})) return i;`).join('\n    ')}
  }
  return end;
}`;
  const isPrimitive = (v: string) => `(typeof ${v} === 'string' || typeof ${v} === 'boolean' || ${v} === null || (typeof ${v} === 'number' && ${v} - ${v} === 0))`;
  const literalKey = (j: number) => (keys[j] === '__proto__' ? `[${lit[j]}]` : lit[j]);
  const build = `function build(r, convert) {
  ${fits('return undefined;')}
  ${keys.map((_, j) => `const v${j} = r${field(j)};`).join('\n  ')}
  if (${n === 0 ? 'true' : keys.map((_, j) => isPrimitive(`v${j}`)).join(' && ')}) return { ${keys.map((_, j) => `${literalKey(j)}: v${j}`).join(', ')} };
  return convert(r, [${keys.map((_, j) => `v${j}`).join(', ')}]);
}`;
  try {
    // `Object.getPrototypeOf`/`Object.prototype` are read as globals, as to-plain.ts reads them.
    const factory = new Function('KEYS', 'same', `'use strict';\n${scanEqual}\n${scanIdentical}\n${build}\nreturn { scanEqual, scanIdentical, build };`) as (
      keys: readonly string[],
      same: SameFn,
    ) => Omit<RowShape, 'keys'>;
    // The generated code gets its own unfrozen copy: indexed reads of a frozen array are several times slower.
    const fns = factory([...keys], same);
    return { keys: Object.freeze([...keys]), scanEqual: fns.scanEqual, scanIdentical: fns.scanIdentical, build: fns.build };
  } catch (err) {
    // Code generation disallowed in this process (EvalError): stay generic from now on.
    // Anything else would be a bug here; this key list then simply keeps the generic path.
    if (err instanceof EvalError) codegenAvailable = false;
    return null;
  }
}
