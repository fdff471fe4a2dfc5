/**
 * The default slug of a view class: its name without a trailing `View`, in
 * kebab-case. `OrderView` → `order`, `OrderDetailView` → `order-detail`,
 * `HTTPStatusView` → `http-status`.
 */
export function slugFromClassName(name: string): string {
  const base = name.endsWith('View') && name.length > 4 ? name.slice(0, -4) : name;
  return base
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/** Slugs are URL path segments and WS identifiers: lower-case letters, digits, `-` and `_`. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
