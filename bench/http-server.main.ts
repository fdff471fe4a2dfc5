/**
 * One benchmark server, run as a child process by bench/run.ts. Listens on
 * 127.0.0.1:0, prints `LISTENING <port>`, exits cleanly on SIGTERM (so that
 * `node --cpu-prof` writes its profile).
 *
 * Environment:
 * - BENCH_SERVER: `djust` | `nest` | `nest-hosted-raw` | `orpc` | `ts-rest` |
 *   `raw-fastify` | `raw-express` | `raw-node`
 *   (`nest-hosted-raw`: the raw handler registered straight on the Nest app's
 *   express/fastify instance, no controller: the floor of a Nest-hosted route;
 *   `orpc`: `@orpc/nest`; `ts-rest`: `@ts-rest/nest`)
 * - BENCH_ADAPTER: `express` | `fastify` (every server on Nest)
 * - BENCH_THROTTLER_TTL: ThrottlerGuard window in ms (nest)
 */
import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { serveUntilStopped } from './bench-support.js';
import { DjustBenchModule } from './servers/djust-bench.module.js';
import { nestBenchModule } from './servers/nest-bench.module.js';
import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RAW_PATH, expressRawHandler, fastifyRawHandler, startRawExpress, startRawFastify, startRawNode } from './servers/raw-servers.js';

/**
 * `nest-hosted-raw`: registers the raw handler on the app's own express/fastify
 * instance at onModuleInit (after Nest's body parser, before its 404 handler),
 * as the djust bindings do.
 */
@Module({})
class HostedRawModule implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.host.httpAdapter.getInstance();
    instance.post(RAW_PATH, adapterName === 'express' ? expressRawHandler() : fastifyRawHandler());
  }
}

const server = process.env.BENCH_SERVER ?? 'djust';
const adapterName = process.env.BENCH_ADAPTER === 'fastify' ? 'fastify' : 'express';

async function startNest(): Promise<{ port: number; close: () => Promise<unknown> }> {
  const adapter = adapterName === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  let app: INestApplication;
  if (server === 'djust') {
    app = await NestFactory.create(DjustBenchModule, adapter, { logger: false });
  } else if (server === 'nest-hosted-raw') {
    app = await NestFactory.create(HostedRawModule, adapter, { logger: false });
  } else if (server === 'orpc') {
    // Loaded only here, so that no other server process holds oRPC or zod.
    const { OrpcBenchModule } = await import('./servers/orpc-bench.module.js');
    // oRPC's NestJS guide recommends leaving the body to oRPC's own parser.
    app = await NestFactory.create(OrpcBenchModule, adapter, { logger: false, bodyParser: false });
  } else if (server === 'ts-rest') {
    const { TsRestBenchModule } = await import('./servers/ts-rest-bench.module.js');
    app = await NestFactory.create(TsRestBenchModule, adapter, { logger: false });
  } else {
    app = await NestFactory.create(nestBenchModule(Number(process.env.BENCH_THROTTLER_TTL ?? 60_000)), adapter, { logger: false });
    app.useGlobalPipes(new ValidationPipe({ transform: true }));
  }
  await app.listen(0, '127.0.0.1');
  return { port: app.getHttpServer().address().port, close: () => app.close() };
}

const raw: Record<string, () => Promise<{ port: number; close: () => Promise<unknown> }>> = {
  'raw-fastify': startRawFastify,
  'raw-express': startRawExpress,
  'raw-node': startRawNode,
};
const running = await (raw[server] ?? startNest)();
serveUntilStopped(running.port, running.close);
