import { Logger, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DjustOpenApiService } from './openapi.service.js';
import type { JsonSchema, OpenApiDocument } from './openapi.types.js';

type Json = Record<string, any>;

const COMPONENT_SECTIONS = ['schemas', 'responses', 'securitySchemes'] as const;

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Rewrites every `$ref` of the form `#/components/<section>/<old>` through `renames`. */
function rewriteRefs(node: unknown, section: string, renames: ReadonlyMap<string, string>): void {
  if (!node || typeof node !== 'object' || renames.size === 0) return;
  if (Array.isArray(node)) {
    for (const item of node) rewriteRefs(item, section, renames);
    return;
  }
  const obj = node as Json;
  const prefix = `#/components/${section}/`;
  if (typeof obj.$ref === 'string' && obj.$ref.startsWith(prefix)) {
    const renamed = renames.get(obj.$ref.slice(prefix.length));
    if (renamed) obj.$ref = `${prefix}${renamed}`;
  }
  if (section === 'schemas' && obj.discriminator && typeof obj.discriminator.mapping === 'object') {
    for (const [key, ref] of Object.entries(obj.discriminator.mapping as Record<string, string>)) {
      const renamed = ref.startsWith(prefix) ? renames.get(ref.slice(prefix.length)) : undefined;
      if (renamed) obj.discriminator.mapping[key] = `${prefix}${renamed}`;
    }
  }
  for (const value of Object.values(obj)) rewriteRefs(value, section, renames);
}

/** Subschema-holding keywords, for the 3.0 conversion walk. */
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

/**
 * Converts one JSON Schema 2020-12 schema (as nestjs-djust emits them) to the
 * OpenAPI 3.0 Schema Object dialect: `type: [T, "null"]` → `type: T, nullable: true`,
 * `anyOf: [X, {type: "null"}]` → nullable, `const` → one-value `enum`,
 * `examples` → `example`, numeric `exclusiveMinimum/Maximum` → boolean form,
 * `$ref` siblings → `allOf: [{ $ref }]`.
 */
export function toOpenApi30Schema(input: JsonSchema): JsonSchema {
  let schema: JsonSchema = { ...input };
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    const nonNull = list.filter((s) => !(s && s.type === 'null' && Object.keys(s).length === 1));
    if (nonNull.length < list.length) schema.nullable = true;
    if (key === 'anyOf' && nonNull.length === 1 && schema.nullable) {
      delete schema.anyOf;
      const only = toOpenApi30Schema(nonNull[0]);
      schema = only.$ref !== undefined ? { ...schema, allOf: [only] } : { ...only, ...schema };
    } else {
      schema[key] = nonNull.map(toOpenApi30Schema);
    }
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== 'null');
    if (types.length < schema.type.length) schema.nullable = true;
    if (types.length === 1) schema.type = types[0];
    else {
      delete schema.type;
      schema.anyOf = types.map((type) => ({ type }));
    }
  }
  if (schema.const !== undefined) {
    schema.enum = [schema.const];
    delete schema.const;
  }
  if (Array.isArray(schema.examples)) {
    if (schema.examples.length) schema.example = schema.examples[0];
    delete schema.examples;
  }
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof schema[exclusive] === 'number') {
      schema[bound] = schema[exclusive];
      schema[exclusive] = true;
    }
  }
  if (schema.contentEncoding === 'base64') schema.format = schema.format ?? 'byte';
  delete schema.contentEncoding;
  delete schema.contentMediaType;
  if (schema.items) schema.items = toOpenApi30Schema(schema.items);
  if (schema.not && typeof schema.not === 'object') schema.not = toOpenApi30Schema(schema.not as JsonSchema);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    schema.additionalProperties = toOpenApi30Schema(schema.additionalProperties);
  }
  if (schema.properties) {
    schema.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toOpenApi30Schema(v)]));
  }
  if (schema.$ref !== undefined && Object.keys(schema).length > 1) {
    const { $ref, ...siblings } = schema;
    schema = { ...siblings, allOf: [{ $ref }, ...((siblings.allOf as JsonSchema[] | undefined) ?? [])] };
  }
  return schema;
}

/** Applies {@link toOpenApi30Schema} to every schema of the djust part (components and operations). */
function convertDocumentTo30(doc: Json): void {
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const obj = node as Json;
    for (const [key, value] of Object.entries(obj)) {
      if (key === 'schema' && value && typeof value === 'object') obj[key] = toOpenApi30Schema(value as JsonSchema);
      else walk(value);
    }
  };
  walk(doc.paths);
  walk(doc.components?.responses);
  const schemas = doc.components?.schemas as Record<string, JsonSchema> | undefined;
  if (schemas) for (const name of Object.keys(schemas)) schemas[name] = toOpenApi30Schema(schemas[name]);
}

/** What {@link mergeDjustDocument} did not merge as-is. */
export interface MergeNotes {
  /** Human-readable notes (renamed components, skipped operations, 3.0 conversion). */
  readonly notes: string[];
}

/**
 * Pure merge behind {@link withDjust}: returns a new document = `base` plus the
 * djust paths, `components.schemas/responses/securitySchemes` and tags.
 *
 * - `base.openapi` is kept as is: neither upgraded nor downgraded. When `base`
 *   is OpenAPI 3.0.x (SwaggerModule's default), the djust part is converted to
 *   the 3.0 dialect (`nullable: true` etc.) so the result stays valid 3.0 — a
 *   note says so; build the Swagger document with
 *   `new DocumentBuilder().setOpenAPIVersion('3.1.0')` to keep the 3.1 form.
 * - A djust component whose name the app already uses for a different value is
 *   renamed `<name>_djust` (then `_djust_2`...), and the djust `$ref`s / security
 *   requirements follow.
 * - A path + method the app already documents is left to the app (noted).
 */
export function mergeDjustDocument(base: OpenAPIObject, djustDocument: OpenApiDocument): { document: OpenAPIObject; notes: string[] } {
  const notes: string[] = [];
  const result = clone(base) as Json;
  const djust = clone(djustDocument) as Json;

  if (typeof result.openapi === 'string' && result.openapi.startsWith('3.0')) {
    convertDocumentTo30(djust);
    notes.push(
      `the Swagger document is OpenAPI ${result.openapi}: djust operations were converted to the 3.0 dialect; use new DocumentBuilder().setOpenAPIVersion('3.1.0') for the native 3.1 form`,
    );
  }

  result.components = result.components ?? {};
  for (const section of COMPONENT_SECTIONS) {
    const incoming = (djust.components?.[section] ?? {}) as Json;
    const existing = (result.components[section] ?? {}) as Json;
    const renames = new Map<string, string>();
    for (const name of Object.keys(incoming)) {
      if (!(name in existing) || jsonEqual(existing[name], incoming[name])) continue;
      let renamed = `${name}_djust`;
      for (let i = 2; renamed in existing || renamed in incoming; i++) renamed = `${name}_djust_${i}`;
      renames.set(name, renamed);
      notes.push(`components.${section}.${name} already exists with a different value; the djust one is named ${renamed}`);
    }
    if (section === 'securitySchemes') {
      for (const pathItem of Object.values((djust.paths ?? {}) as Json)) {
        for (const operation of Object.values(pathItem as Json)) {
          const op = operation as Json;
          if (Array.isArray(op.security)) {
            op.security = op.security.map((req: Json) =>
              Object.fromEntries(Object.entries(req).map(([k, v]) => [renames.get(k) ?? k, v])),
            );
          }
        }
      }
    } else {
      rewriteRefs(djust, section, renames);
    }
    const merged: Json = { ...existing };
    for (const [name, value] of Object.entries(incoming)) merged[renames.get(name) ?? name] = value;
    if (Object.keys(merged).length) result.components[section] = merged;
  }

  result.paths = result.paths ?? {};
  for (const [path, item] of Object.entries((djust.paths ?? {}) as Json)) {
    const target: Json = { ...(result.paths[path] ?? {}) };
    for (const [method, operation] of Object.entries(item as Json)) {
      if (target[method] !== undefined) {
        notes.push(`${method.toUpperCase()} ${path} is already documented by the app; the djust operation is not merged`);
        continue;
      }
      target[method] = operation;
    }
    result.paths[path] = target;
  }

  const tagNames = new Set(((result.tags ?? []) as Json[]).map((t) => t.name));
  const newTags = ((djust.tags ?? []) as Json[]).filter((t) => !tagNames.has(t.name));
  if (newTags.length) result.tags = [...((result.tags ?? []) as Json[]), ...newTags];

  return { document: result as OpenAPIObject, notes };
}

/**
 * Merges the nestjs-djust operations into a `SwaggerModule.createDocument()`
 * result so the app's Swagger UI lists them. Returns a new document; the input
 * is not modified. The djust document comes from the app's `DjustOpenApiService`.
 * See {@link mergeDjustDocument} for version handling and name clashes.
 *
 * Works in Nest's usual order — right after `NestFactory.create()`, before
 * `app.init()` or `app.listen()` — as well as after `app.init()`, and as a
 * `SwaggerModule.setup()` document factory: before the views are registered
 * (at module init) they are read from a synchronous scan of the app, so every
 * exposed handler is listed either way, and a view that would fail at startup
 * makes this throw the same `DjustConfigurationError`.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * const config = new DocumentBuilder().setTitle('Shop').setOpenAPIVersion('3.1.0').build();
 * SwaggerModule.setup('docs', app, withDjust(app, SwaggerModule.createDocument(app, config)));
 * await app.listen(3000);
 * ```
 */
export function withDjust(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const service = app.get(DjustOpenApiService, { strict: false });
  const { document: merged, notes } = mergeDjustDocument(document, service.getDocument());
  const logger = new Logger('Djust');
  for (const note of notes) logger.log(`withDjust: ${note}`);
  return merged;
}
