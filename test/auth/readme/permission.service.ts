import { Injectable, Module } from '@nestjs/common';
import type { User } from './user.repository.js';

const GRANTS: Record<string, string[]> = {
  manager: ['orders.view_order', 'orders.change_order', 'orders.audit'],
  clerk: ['orders.view_order'],
};

@Injectable()
export class PermissionService {
  async has(user: User, permission: string): Promise<boolean> {
    return user.isSuperuser === true || user.roles.some((role) => GRANTS[role]?.includes(permission));
  }
}

@Module({ providers: [PermissionService], exports: [PermissionService] })
export class PermissionsModule {}
