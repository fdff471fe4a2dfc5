/** Replaces every character outside `[A-Za-z0-9_]` with `_`. */
function identifier(value: string): string {
  return value.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The operationId rule: `<slug>_<handler>` with every character outside
 * `[A-Za-z0-9_]` replaced by `_` (`order-detail` + `update_status` →
 * `order_detail_update_status`). Should two operations sanitize to one id,
 * the later one (in path order) gets `_2`, `_3`... (see {@link uniqueOperationId}).
 */
export function operationIdFor(slug: string, handler: string): string {
  return `${identifier(slug)}_${identifier(handler)}`;
}

/** `id`, or `id_2`, `id_3`... — the first not in `used`, which it is added to. */
export function uniqueOperationId(id: string, used: Set<string>): string {
  let unique = id;
  for (let i = 2; used.has(unique); i++) unique = `${id}_${i}`;
  used.add(unique);
  return unique;
}

/** Normalizes the prefix to `/<prefix>` (no trailing slash; `''` for an empty prefix). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}

/** The HTTP path of a handler: `/<prefix>/api/<slug>/<handler>/`. */
export function operationPath(prefix: string, slug: string, handler: string): string {
  return `${normalizePrefix(prefix)}/api/${slug}/${handler}/`;
}
