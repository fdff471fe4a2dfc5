import { Module } from '@nestjs/common';
import { DjustModule } from 'nestjs-djust';
import { BearerAuth } from './bearer-auth.strategy.js';
import { OrderView } from './order.view.js';
import { PermissionService, PermissionsModule } from './permission.service.js';
import { TokenAuth } from './token-auth.js';
import { UserRepository } from './user.repository.js';

@Module({
  imports: [
    DjustModule.forRootAsync({
      imports: [PermissionsModule],
      inject: [PermissionService],
      useFactory: (permissions: PermissionService) => ({
        hasPermission: (user, permission) => permissions.has(user, permission),
        allowedOrigins: ['https://app.example.com'], // other origins whose cookie sockets are accepted
      }),
    }),
  ],
  providers: [UserRepository, BearerAuth, TokenAuth, OrderView],
})
export class AppModule {}
