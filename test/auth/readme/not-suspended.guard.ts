import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

@Injectable()
export class NotSuspendedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest().user; // the djust user, over HTTP and WS
    return user?.suspended !== true;
  }
}
