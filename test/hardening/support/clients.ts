import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { AdapterName, RunningApp } from '../../support/app.js';
import { checkedAck } from '../../support/ws-ack.js';

/** Bound on every network wait (I/O only, never a timing assertion). */
export const IO_TIMEOUT_MS = 10_000;

/** Options of {@link bootHardened}. */
export interface BootHardenedOptions {
  /** Extra `NestFactory.create` options (e.g. `{ bodyParser: false }`). */
  nest?: NestApplicationOptions;
  /** Runs before `listen` (register middlewares, a WS adapter...). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/** Boots `module` on 127.0.0.1:0 (like `bootApp`, plus Nest factory options). */
export async function bootHardened(module: Type, adapter: AdapterName, options: BootHardenedOptions = {}): Promise<RunningApp> {
  const app = await NestFactory.create(module, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: process.env.DJUST_TEST_LOGS ? undefined : false,
    ...options.nest,
  });
  await options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  return { app, url, close: () => app.close() };
}

/** A raw HTTP answer. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** A raw HTTP request description: any path (not normalized), any bytes, any headers. */
export interface RawRequest {
  readonly method: string;
  /** Sent as-is (already percent-encoded where intended). */
  readonly path: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` instead of a `Content-Length`. */
  readonly chunked?: boolean;
}

/**
 * Sends a request with node's `http` client: unlike `fetch` it keeps the path
 * byte-for-byte and lets any header through. Resolves with the answer; rejects
 * on a socket error or after {@link IO_TIMEOUT_MS}.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[] | number> = { ...req.headers };
    if (req.body && !req.chunked) headers['content-length'] = req.body.length;
    const client = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: false, timeout: IO_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    client.on('timeout', () => client.destroy(new Error(`no answer within ${IO_TIMEOUT_MS} ms: ${req.method} ${req.path}`)));
    client.on('error', reject);
    if (req.body) client.write(req.body);
    client.end();
  });
}

/** Options of {@link connectSocket}. */
export interface SocketOptions {
  /** `handshake.auth.token` (read as `Authorization: Bearer <token>`). */
  token?: string;
  /** Extra handshake headers. */
  headers?: Record<string, string>;
  /** Namespace, default `/djust`. */
  namespace?: string;
}

/** Opens a socket.io client (websocket transport, no reconnection) and waits for `connect`; rejects with the `connect_error`. */
export async function connectSocket(url: string, options: SocketOptions = {}): Promise<Socket> {
  const socket = io(`${url}${options.namespace ?? '/djust'}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: IO_TIMEOUT_MS,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: options.headers,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
  } catch (err) {
    socket.close();
    throw err;
  }
  return socket;
}

/** Emits with an ack, bounded by {@link IO_TIMEOUT_MS}. */
export async function emitAck(socket: Socket, event: string, ...args: unknown[]): Promise<any> {
  return checkedAck(await socket.timeout(IO_TIMEOUT_MS).emitWithAck(event, ...args), args[0]);
}

/** Resolves on the socket's next `disconnect`, with its reason. */
export function nextDisconnect(socket: Socket): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected');
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(String(reason))));
}
