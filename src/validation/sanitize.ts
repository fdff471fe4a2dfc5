import { nestingTooDeep } from '../protocol/wire-errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A defensive copy of untrusted params (a parsed JSON body or a WS payload):
 * plain objects and arrays only, `__proto__`/`constructor`/`prototype` keys
 * dropped at every depth, nesting bounded by `maxDepth` (400 beyond).
 * Nothing of the input's prototype chain survives.
 */
export function sanitizeParams(value: unknown, maxDepth: number): unknown {
  return copy(value, maxDepth, 0);
}

function copy(value: unknown, maxDepth: number, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) {
    throw nestingTooDeep(maxDepth);
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], maxDepth, depth + 1);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    out[key] = copy((value as Record<string, unknown>)[key], maxDepth, depth + 1);
  }
  return out;
}
