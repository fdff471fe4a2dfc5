import { Injectable, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { EventHandler, LiveView, LiveViewBase } from 'nestjs-djust';
import { tap } from 'rxjs';
import { z } from 'zod';
import { TokenAuth } from '../../auth/readme/token-auth.js';

@Injectable()
export class TimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const started = Date.now(); // context.getType(): 'http' | 'ws' | 'mcp'
    return next.handle().pipe(tap(() => console.log(`${context.getClass().name}.${context.getHandler().name} over ${context.getType()}: ${Date.now() - started} ms`)));
  }
}

const Ship = z.object({
  order_id: z.coerce.number().int().positive(),
  carrier: z.enum(['ups', 'dhl']).default('ups'),
});

@LiveView({ authClasses: [TokenAuth] })
@UseInterceptors(TimingInterceptor)
export class ShippingView extends LiveViewBase {
  @EventHandler({ exposeApi: true, exposeMcp: true, params: Ship })
  ship({ order_id, carrier }: z.output<typeof Ship>) {
    return { order_id, carrier, status: 'shipped' };
  }
}
