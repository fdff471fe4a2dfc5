import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { io, type Socket } from 'socket.io-client';
import type { AdapterName, RunningApp } from '../support/app.js';
import { checkedAck } from '../support/ws-ack.js';

/** How the app computes the client IP. */
export interface BootOptions {
  /**
   * Trust the loopback proxy: express `app.set('trust proxy', 'loopback')`,
   * fastify `new FastifyAdapter({ trustProxy: '127.0.0.1' })`. Default: off (the
   * frameworks' default), so `X-Forwarded-For` is never believed.
   */
  trustLoopbackProxy?: boolean;
}

/** Boots `module` on 127.0.0.1:0 with the chosen adapter and proxy trust. */
export async function bootRateLimitApp(module: Type, adapter: AdapterName, options: BootOptions = {}): Promise<RunningApp> {
  const trust = options.trustLoopbackProxy === true;
  const httpAdapter = adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(trust ? { trustProxy: '127.0.0.1' } : {});
  const app: INestApplication = await NestFactory.create(module, httpAdapter, { logger: process.env.DJUST_TEST_LOGS ? undefined : false });
  if (trust && adapter === 'express') (app as NestExpressApplication).set('trust proxy', 'loopback');
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  return { app, url, close: () => app.close() };
}

/** Bound on every socket wait (I/O only, never a timing assertion). */
const ACK_TIMEOUT_MS = 5_000;

/** A socket.io client on the `/djust` namespace. */
export interface DjustSocket {
  readonly socket: Socket;
  /** `mount` → `{ ref, assigns }` or an error ack. */
  mount(view: string, params?: Record<string, unknown>): Promise<any>;
  /** `event` → `{ result, assigns }` or an error ack `{ error, details, status }`. */
  event(ref: string, handler: string, params?: Record<string, unknown>): Promise<any>;
  /** Mounts `view` and returns its ref (fails the test on an error ack). */
  mountRef(view: string): Promise<string>;
  close(): void;
}

/** Options of {@link connectDjust}. */
export interface ConnectOptions {
  /** `handshake.auth.token` (read as `Authorization: Bearer <token>`). */
  token?: string;
  /** Extra handshake headers (e.g. `x-api-key`, `x-forwarded-for`). */
  headers?: Record<string, string>;
}

/** Connects to `<url>/djust` over the websocket transport and waits for the connection. */
export async function connectDjust(url: string, options: ConnectOptions = {}): Promise<DjustSocket> {
  const socket = io(`${url}/djust`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: options.headers,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket.io connect timed out')), ACK_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const emit = async (name: string, payload: unknown) => checkedAck(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(name, payload), payload);
  return {
    socket,
    mount: (view, params = {}) => emit('mount', { view, params }),
    event: (ref, handler, params) => emit('event', params === undefined ? { ref, handler } : { ref, handler, params }),
    async mountRef(view) {
      const ack = await emit('mount', { view, params: {} });
      if (typeof ack?.ref !== 'string') throw new Error(`mount ${view} failed: ${JSON.stringify(ack)}`);
      return ack.ref;
    },
    close: () => void socket.disconnect(),
  };
}
