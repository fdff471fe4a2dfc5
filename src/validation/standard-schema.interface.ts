/**
 * The Standard Schema interface (standardschema.dev), version 1, as the spec
 * asks consumers to declare it: no runtime dependency. Zod (3.24+, 4),
 * Valibot (1+), ArkType (2+) and others implement it.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The `~standard` properties of a Standard Schema. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1;
  /** The library that made it (`'zod'`, `'valibot'`, `'arktype'`...). */
  readonly vendor: string;
  readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  /**
   * Standard JSON Schema (standardschema.dev/json-schema), when the library
   * implements it (Zod 4 does; Valibot through `toStandardJsonSchema()`): the
   * JSON Schema the OpenAPI document and MCP tools use.
   */
  readonly jsonSchema?: {
    readonly input: (options: { readonly target: 'draft-2020-12' | 'draft-07' | 'openapi-3.0' | (string & {}) }) => Record<string, unknown>;
  };
}

/** A validation outcome: the (possibly transformed) value, or the issues. */
export type StandardSchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly StandardSchemaIssue[] };

/** One problem a Standard Schema found. */
export interface StandardSchemaIssue {
  readonly message: string;
  /** Where: keys and indexes from the root, each plain or wrapped as `{ key }`. */
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** Whether a value is a Standard Schema (version 1, with a `validate` function). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return props !== null && typeof props === 'object' && (props as StandardSchemaProps).version === 1 && typeof (props as StandardSchemaProps).validate === 'function';
}
