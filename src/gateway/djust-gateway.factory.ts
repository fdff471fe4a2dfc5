import type { Type } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { DjustGatewayBase } from './djust-gateway.base.js';

/** Creates the gateway class, bound to the socket.io namespace `/<prefix>`. */
export function createDjustGateway(prefix: string): Type<DjustGatewayBase> {
  @WebSocketGateway({ namespace: `/${prefix}` })
  class DjustGateway extends DjustGatewayBase {}
  return DjustGateway;
}

/**
 * Re-binds a gateway class made by `createDjustGateway` to `/<prefix>`. Nest reads
 * a gateway's options when it connects gateways at app init, after every provider
 * was built, so the module's options factory (`forRootAsync`) can still set it.
 */
export function bindGatewayNamespace(gateway: Type<DjustGatewayBase>, prefix: string): void {
  WebSocketGateway({ namespace: `/${prefix}` })(gateway);
}
