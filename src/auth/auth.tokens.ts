/**
 * DI token of the permission check (`HasPermissionFn`) that `DjustPermissionGuard`
 * uses: `DjustModule` provides it from `forRoot({ hasPermission })` (default
 * `defaultHasPermission`). Internal; not exported from the package root.
 */
export const DJUST_HAS_PERMISSION = Symbol('DJUST_HAS_PERMISSION');
