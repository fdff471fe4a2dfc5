/**
 * Something the generator could not describe exactly. Collected while
 * generating and reported once (logged at startup by `DjustOpenApiService`).
 */
export interface OpenApiWarning {
  /** The component schema (DTO) concerned, when the problem is in a DTO. */
  schema?: string;
  /** The DTO property concerned. */
  property?: string;
  /** The operation concerned (`<slug>.<handler>`), when the problem is in an operation. */
  operation?: string;
  /** The auth class concerned, when the problem is its security scheme. */
  authClass?: string;
  /** What could not be mapped and what was emitted instead. */
  reason: string;
}

/** Formats a warning as one log line. */
export function formatOpenApiWarning(warning: OpenApiWarning): string {
  const where = [
    warning.operation && `operation ${warning.operation}`,
    warning.schema && `schema ${warning.schema}${warning.property ? `.${warning.property}` : ''}`,
    warning.authClass && `auth class ${warning.authClass}`,
  ].filter(Boolean);
  return `OpenAPI: ${where.length ? `${where.join(', ')}: ` : ''}${warning.reason}`;
}

/** Adds a DTO warning to `warnings` unless the same (schema, property, reason) is already there. */
export function addSchemaWarning(warnings: OpenApiWarning[], schema: string, property: string | undefined, reason: string): void {
  if (warnings.some((w) => w.schema === schema && w.property === property && w.reason === reason)) return;
  warnings.push(property === undefined ? { schema, reason } : { schema, property, reason });
}
