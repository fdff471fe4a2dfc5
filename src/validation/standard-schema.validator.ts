import { describeValue } from '../common/safe-format.util.js';
import { notAnObject, validationError } from '../protocol/wire-errors.js';
import { isPlainObject } from './coerce.js';
import type { StandardSchemaIssue, StandardSchemaV1 } from './standard-schema.interface.js';

/**
 * Validates handler params against a Standard Schema (Zod, Valibot, ArkType...)
 * and returns the schema's output — coerced and transformed as the schema
 * says (`z.coerce.number()`). The params must already be the defensive copy;
 * absent params are `{}`, anything else that is not a JSON object is
 * `non_field_errors: ["Expected a JSON object."]`, as for DTOs. Failures are
 * `validation_error` with `details` mapping each field path (`lines.0.qty`)
 * to its messages; issues without a path go to `non_field_errors`.
 */
export async function validateWithStandardSchema(schema: StandardSchemaV1, input: unknown): Promise<unknown> {
  const value = input === undefined ? {} : input;
  if (!isPlainObject(value)) throw notAnObject();
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues) throw validationError(issueDetails(result.issues));
  return result.value;
}

/** Issues → `{ "<path>": [messages] }`. */
export function issueDetails(issues: readonly StandardSchemaIssue[]): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  for (const issue of issues) {
    const path = (issue.path ?? []).map(segment).join('.') || 'non_field_errors';
    const message = typeof issue.message === 'string' ? issue.message : describeValue(issue.message);
    if (!Object.prototype.hasOwnProperty.call(details, path)) Object.defineProperty(details, path, { value: [], enumerable: true, writable: true, configurable: true });
    details[path].push(message);
  }
  return details;
}

function segment(part: PropertyKey | { readonly key: PropertyKey }): string {
  const key = part !== null && typeof part === 'object' ? part.key : part;
  return typeof key === 'symbol' ? describeValue(key) : String(key);
}
