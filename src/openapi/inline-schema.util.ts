import { SCHEMA_REF_PREFIX } from './json-schema.util.js';
import type { JsonSchema } from './openapi.types.js';

/** Where a component that refers to itself is kept inside an inlined schema. */
const DEFS_REF_PREFIX = '#/$defs/';

/** The component a `#/components/schemas/<name>` reference names (`undefined` for any other value). */
function componentOf(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith(SCHEMA_REF_PREFIX) ? ref.slice(SCHEMA_REF_PREFIX.length) : undefined;
}

/** The components a schema refers to (through `$ref`), deep. */
function referencedComponents(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) referencedComponents(item, out);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const name = key === '$ref' ? componentOf(value) : undefined;
      if (name !== undefined) out.add(name);
      else if (key !== 'discriminator') referencedComponents(value, out);
    }
  }
  return out;
}

/** The components reachable from `root` that can reach themselves again (a DTO referring to itself, directly or around a cycle). */
function recursiveComponents(root: JsonSchema, components: Readonly<Record<string, JsonSchema>>): Set<string> {
  const edges = new Map<string, Set<string>>();
  const visit = (name: string): void => {
    if (edges.has(name)) return;
    const schema = components[name];
    if (schema === undefined) throw new Error(`inlineSchema: the schema refers to the component "${name}", which is not among the components given`);
    const next = referencedComponents(schema);
    edges.set(name, next);
    for (const target of next) visit(target);
  };
  for (const name of referencedComponents(root)) visit(name);
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean => {
    for (const next of edges.get(from) ?? []) {
      if (next === target) return true;
      if (!seen.has(next)) {
        seen.add(next);
        if (reaches(next, target, seen)) return true;
      }
    }
    return false;
  };
  return new Set([...edges.keys()].filter((name) => reaches(name, name)));
}

/** What one inlining run shares: the components, which of them stay in `$defs`, and the `$defs` built so far. */
interface InlineRun {
  readonly components: Readonly<Record<string, JsonSchema>>;
  readonly recursive: ReadonlySet<string>;
  readonly defs: Record<string, JsonSchema>;
}

/** A `$ref` node with its sibling keywords: the referenced schema merged with them (`allOf` when a keyword is on both). */
function mergeSiblings(target: JsonSchema, siblings: Record<string, unknown>): JsonSchema {
  const names = Object.keys(siblings);
  if (names.length === 0) return target;
  if (names.some((key) => key in target)) return { ...siblings, allOf: [target] };
  return { ...target, ...siblings };
}

/** One component reference, resolved: inlined, or a local `#/$defs/<name>` for a recursive component. */
function resolveRef(name: string, siblings: Record<string, unknown>, run: InlineRun): JsonSchema {
  if (!run.recursive.has(name)) return mergeSiblings(inlineNode(run.components[name], run) as JsonSchema, siblings);
  if (!(name in run.defs)) {
    run.defs[name] = {};
    run.defs[name] = inlineNode(run.components[name], run) as JsonSchema;
  }
  return { $ref: `${DEFS_REF_PREFIX}${name}`, ...siblings };
}

/** A deep copy of `node` with its component references resolved. */
function inlineNode(node: unknown, run: InlineRun): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineNode(item, run));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    // OpenAPI's `discriminator.mapping` names components: only the property name still means something here.
    if (key === 'discriminator' && value && typeof value === 'object') out[key] = { propertyName: (value as { propertyName?: unknown }).propertyName };
    else out[key] = inlineNode(value, run);
  }
  const name = componentOf($ref);
  if (name !== undefined) return resolveRef(name, out, run);
  return $ref === undefined ? out : { $ref, ...out };
}

/**
 * Turns an operation's request body schema into a self-contained JSON Schema
 * (2020-12) with no reference to `#/components/schemas/...`: each component
 * reference is replaced by a copy of the component, recursively. Pure: the
 * inputs are not modified.
 *
 * A component that refers to itself, directly or around a cycle (a tree of
 * DTOs), cannot be expanded: it is kept once under the result's `$defs` and
 * referred to with a local `#/$defs/<name>`, so the result still refers to
 * nothing outside itself. A root that is a bare reference is expanded at the
 * root even then (an MCP `inputSchema` must be `type: "object"` at its root).
 * An OpenAPI `discriminator` keeps its `propertyName` only (its `mapping`
 * names components). Throws when the schema refers to a component that
 * `components` does not hold.
 *
 * @example
 * ```ts
 * inlineSchema({ $ref: '#/components/schemas/ShipDto' }, document.components.schemas);
 * // → { type: 'object', properties: { order_id: { type: 'integer' }, ... }, required: [...] }
 * ```
 */
export function inlineSchema(schema: JsonSchema, components: Readonly<Record<string, JsonSchema>>): JsonSchema {
  const run: InlineRun = { components, recursive: recursiveComponents(schema, components), defs: {} };
  const { $ref, ...siblings } = schema;
  const rootName = Object.keys(siblings).length === 0 ? componentOf($ref) : undefined;
  const root = (rootName !== undefined ? inlineNode(components[rootName], run) : inlineNode(schema, run)) as JsonSchema;
  if (Object.keys(run.defs).length === 0) return root;
  return { ...root, $defs: { ...((root.$defs as Record<string, JsonSchema> | undefined) ?? {}), ...run.defs } };
}
