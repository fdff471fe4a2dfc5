import type { INestApplicationContext } from '@nestjs/common';
import type { IoAdapter } from '@nestjs/platform-socket.io';
import { SessionIoAdapter, type EngineMiddleware } from '../../src/index.js';

/**
 * What socket.io's `server.adapter(...)` takes: an adapter constructor or a
 * factory of one per namespace (`createShardedAdapter(...)` returns one).
 * Structural, because @nestjs/platform-socket.io may bring its own copy of
 * socket.io, whose `Server` type differs from the app's.
 */
export type SocketIoAdapterFactory = (namespace: any) => unknown;

/**
 * `SessionIoAdapter` (the session middleware on socket.io's engine) plus a
 * cluster adapter for socket.io (e.g. `@socket.io/redis-adapter`): every
 * namespace, the djust one included, then reaches the other processes, which
 * is how `DjustPublisher` publications get there.
 */
export class ClusterIoAdapter extends SessionIoAdapter {
  constructor(
    app: INestApplicationContext | object,
    middlewares: readonly EngineMiddleware[],
    private readonly adapterFactory: SocketIoAdapterFactory,
  ) {
    super(app, middlewares);
  }

  override createIOServer(...args: Parameters<IoAdapter['createIOServer']>): ReturnType<IoAdapter['createIOServer']> {
    const server = super.createIOServer(...args);
    (server as { adapter(factory: SocketIoAdapterFactory): unknown }).adapter(this.adapterFactory);
    return server;
  }
}
