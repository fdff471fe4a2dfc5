import type { Type } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { DEFAULT_PREFIX } from '../../djust.constants.js';
import { prefixPath } from '../../protocol/routes.js';
import { DjustGatewayBase } from './djust-gateway.base.js';

/**
 * The WS transport's one seam into Nest's gateway machinery, isolated here.
 *
 * Each `forRoot`/`forRootAsync` gets its own gateway class, decorated with the
 * namespace known statically. With `forRootAsync`, the prefix may come from the
 * options factory, which runs after decoration: {@link bindGatewayNamespace}
 * then decorates the class again with the resolved namespace. This relies on
 * Nest reading a gateway's options when it connects gateways (at app init,
 * after every provider was built); the contract test "forRootAsync honours a
 * factory prefix" fails loudly if Nest ever reads them earlier.
 */
export function createDjustGateway(prefix: string = DEFAULT_PREFIX): Type<DjustGatewayBase> {
  @WebSocketGateway({ namespace: prefixPath(prefix) })
  class DjustGateway extends DjustGatewayBase {}
  return DjustGateway;
}

/** Binds a gateway class made by {@link createDjustGateway} to `/<prefix>` (see above). */
export function bindGatewayNamespace(gateway: Type<DjustGatewayBase>, prefix: string): void {
  WebSocketGateway({ namespace: prefixPath(prefix) })(gateway);
}
