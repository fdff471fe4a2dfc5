import type { Type } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { DjustGatewayBase } from './djust-gateway.base.js';

/** Creates the gateway class bound to the socket.io namespace `/<prefix>`. */
export function createDjustGateway(prefix: string): Type<DjustGatewayBase> {
  @WebSocketGateway({ namespace: `/${prefix}` })
  class DjustGateway extends DjustGatewayBase {}
  return DjustGateway;
}
