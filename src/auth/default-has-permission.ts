/**
 * The default permission check: `true` when `user.isSuperuser === true`, or when
 * `user.permissions` (an array or a `Set` of strings) contains `permission`.
 * An anonymous user (`null`/`undefined`) has no permission.
 */
export function defaultHasPermission(user: unknown, permission: string): boolean {
  if (user == null || typeof user !== 'object') return false;
  const { isSuperuser, permissions } = user as { isSuperuser?: unknown; permissions?: unknown };
  if (isSuperuser === true) return true;
  if (Array.isArray(permissions)) return permissions.includes(permission);
  if (permissions instanceof Set) return permissions.has(permission);
  return false;
}
