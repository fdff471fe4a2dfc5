import { PERMISSION_REQUIRED_METADATA } from '../djust.constants.js';

/**
 * Requires every listed permission, on a view (all its handlers and its mount)
 * or on one handler. Anonymous callers get 401, callers lacking one get 403,
 * on both transports. Stacks: several decorators add up.
 *
 * @example
 * ```ts
 * @EventHandler({ exposeApi: true })
 * @PermissionRequired('orders.change_order')
 * refund(dto: RefundDto) { ... }
 * ```
 */
export function PermissionRequired(...permissions: string[]): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const where = descriptor ? (descriptor.value as object) : target;
    const existing: string[] = Reflect.getOwnMetadata(PERMISSION_REQUIRED_METADATA, where) ?? [];
    Reflect.defineMetadata(PERMISSION_REQUIRED_METADATA, [...existing, ...permissions], where);
    return descriptor as any;
  };
}
