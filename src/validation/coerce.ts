import type { DtoPlan, PropertyPlan } from './dto-plan.js';

/** A decimal literal, as `@IsNumber` accepts it: `"2.5"`, `".5"`, `"-1e3"`. */
const NUMBER_RE = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** An integer literal, as `@IsInt` accepts it: `"42"`, `"-7"` (not `"3e0"`, `"3.0"` or `"0x10"`). */
const INTEGER_RE = /^-?\d+$/;

/** `"42"` → 42 for numeric properties; anything else unchanged (validation then rejects it). */
function coerceScalar(value: unknown, kind: PropertyPlan['coerce']): unknown {
  if (typeof value !== 'string') return value;
  if (kind === 'integer') return INTEGER_RE.test(value) ? Number(value) : value;
  if (kind === 'number') return NUMBER_RE.test(value) ? Number(value) : value;
  if (kind === 'boolean') {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Picks the DTO's declared properties out of `input` (own keys only: unknown
 * keys are dropped) and coerces string input where the DTO declares a number,
 * an integer or a boolean. `null` in an `@IsOptional()` property means
 * "absent", as class-validator's `@IsOptional()` itself reads it: the key is
 * dropped, so the handler sees the DTO's default (or `undefined`), never
 * `null`. Nested DTOs are picked and coerced recursively. Returns a fresh
 * plain object; `input` is not modified.
 */
export function pickAndCoerce(plan: DtoPlan, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of plan.properties) {
    if (!Object.prototype.hasOwnProperty.call(input, p.name)) continue;
    let value = input[p.name];
    if (value === null && p.optional) continue;
    if (p.coerce) {
      value = p.each && Array.isArray(value) ? value.map((v) => coerceScalar(v, p.coerce)) : coerceScalar(value, p.coerce);
    }
    if (p.nested) {
      const nested = p.nested;
      if (Array.isArray(value)) value = value.map((v) => (isPlainObject(v) ? pickAndCoerce(nested, v) : v));
      else if (isPlainObject(value)) value = pickAndCoerce(nested, value);
    }
    out[p.name] = value;
  }
  return out;
}

export { isPlainObject };
