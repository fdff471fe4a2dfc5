/**
 * The subset of OpenAPI 3.1 / JSON Schema 2020-12 that nestjs-djust generates.
 * Deliberately loose (`[keyword: string]: unknown`) so any valid keyword can be
 * carried through, yet typed enough for the generator's own code.
 */

/** A JSON Schema 2020-12 schema object (an OpenAPI 3.1 Schema Object). */
export interface JsonSchema {
  $ref?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
  [keyword: string]: unknown;
}

/** A JSON Schema primitive type name. */
export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** An OpenAPI Operation Object (the parts nestjs-djust writes). */
export interface OpenApiOperation {
  operationId: string;
  /** Absent on `GET /<prefix>/api/csrf`. */
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  parameters?: Record<string, unknown>[];
  /** Absent on `GET /<prefix>/api/csrf`. */
  requestBody?: Record<string, unknown>;
  responses: Record<string, unknown>;
  /** Absent when the view has no auth class (every call answers 401). */
  security?: Record<string, string[]>[];
  [key: string]: unknown;
}

/** An OpenAPI Path Item Object: a `post` per handler, a `get` for the CSRF token endpoint. */
export interface OpenApiPathItem {
  get?: OpenApiOperation;
  post?: OpenApiOperation;
}

/** The generated OpenAPI 3.1.0 document. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  tags: { name: string; description?: string }[];
  paths: Record<string, OpenApiPathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
  [key: string]: unknown;
}
