import { Logger, type LoggerService } from '@nestjs/common';
import type { HasPermissionFn } from '../interfaces/djust-module-options.interface.js';
import { describeValue, errorDetail } from '../common/safe-format.util.js';

/** The outcome of a login/permission check. */
export type AccessDecision = 'allow' | 'unauthenticated' | 'forbidden';

const defaultLogger = new Logger('DjustAuth');

/**
 * The `@LoginRequired()` / `@PermissionRequired()` rule, shared by the djust
 * pipeline and `DjustPermissionGuard`: an anonymous caller (`null`/`undefined`)
 * is `unauthenticated` when a login or any permission is required; otherwise
 * every permission must resolve to exactly `true`. A `hasPermission` that
 * throws denies (logged, never sent to the caller).
 */
export async function evaluateAccess(
  user: unknown,
  loginRequired: boolean,
  permissions: readonly string[],
  hasPermission: HasPermissionFn,
  logger: Pick<LoggerService, 'error'> = defaultLogger,
): Promise<AccessDecision> {
  if (!loginRequired && permissions.length === 0) return 'allow';
  if (user == null || user === false) return 'unauthenticated';
  for (const permission of permissions) {
    let granted: unknown;
    try {
      granted = await hasPermission(user, permission);
    } catch (err) {
      logger.error(`hasPermission threw for ${describeValue(permission)}; denied.`, errorDetail(err));
      return 'forbidden';
    }
    if (granted !== true) return 'forbidden';
  }
  return 'allow';
}
