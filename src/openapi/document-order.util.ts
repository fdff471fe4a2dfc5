import type { OpenApiOperation } from './openapi.types.js';

/** Plain code-unit order of strings (locale-independent, as in the committed snapshots). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of `record` with its keys sorted (stable output for snapshot diffs). */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareStrings(a, b)));
}

/** Operation keys in a conventional reading order (the document is diffed as a snapshot). */
const OPERATION_KEY_ORDER = ['operationId', 'tags', 'summary', 'description', 'deprecated', 'parameters', 'requestBody', 'responses', 'security'];

/** A copy of `operation` with its keys in {@link OPERATION_KEY_ORDER}, the others (extensions) after them by name. */
export function orderOperationKeys(operation: OpenApiOperation): OpenApiOperation {
  const rank = (key: string): number => {
    const i = OPERATION_KEY_ORDER.indexOf(key);
    return i === -1 ? OPERATION_KEY_ORDER.length : i;
  };
  return Object.fromEntries(Object.entries(operation).sort(([a], [b]) => rank(a) - rank(b) || compareStrings(a, b))) as OpenApiOperation;
}
