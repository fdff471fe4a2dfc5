import type { JsonSchema } from '../../openapi/openapi.types.js';

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * A self-contained copy of `schema`: every `#/components/schemas/<Name>`
 * reference replaced by the component itself, recursively, so an MCP client
 * gets the tool's whole input shape in one object (no `$ref` to a document it
 * does not have). A component that refers to itself, directly or around a
 * cycle, cannot be inlined: it goes into the schema's own `$defs` and is
 * referred to as `#/$defs/<Name>`.
 */
export function inlineSchema(schema: JsonSchema, components: ReadonlyMap<string, JsonSchema>): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const wanted: string[] = [];
  const visit = (node: unknown, stack: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, stack));
    if (node === null || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as JsonSchema;
    const siblings = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, visit(value, stack)]));
    if (typeof $ref !== 'string' || !$ref.startsWith(COMPONENT_PREFIX)) return $ref === undefined ? siblings : { $ref, ...siblings };
    const name = $ref.slice(COMPONENT_PREFIX.length);
    if (stack.includes(name)) {
      if (!wanted.includes(name)) wanted.push(name);
      return { $ref: `#/$defs/${name}`, ...siblings };
    }
    const target = visit(components.get(name) ?? {}, [...stack, name]) as JsonSchema;
    return Object.keys(siblings).length === 0 ? target : { allOf: [target], ...siblings };
  };
  const root = visit(schema, []) as JsonSchema;
  for (let i = 0; i < wanted.length; i++) defs[wanted[i]] = visit(components.get(wanted[i]) ?? {}, [wanted[i]]) as JsonSchema;
  return wanted.length === 0 ? root : { ...root, $defs: defs };
}
