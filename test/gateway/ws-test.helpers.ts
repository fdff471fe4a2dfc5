import type { INestApplication, Type } from '@nestjs/common';
import session from 'express-session';
import { createHmac, randomUUID } from 'node:crypto';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { SessionIoAdapter } from '../../src/index.js';
import { connectDjust, DjustClient, type ConnectDjustOptions } from '../../src/client/index.js';
import { bootApp, type AdapterName, type RunningApp } from '../support/app.js';
import { checkedAck } from '../support/ws-ack.js';

/** Bound on every socket wait (I/O only; never a timing assertion). */
export const IO_TIMEOUT_MS = 5_000;

/** The secret express-session signs the test cookies with. */
export const SESSION_SECRET = 'gateway-test-session-secret';

/** A running app with express-session on socket.io's engine (both adapters), over an in-memory store. */
export interface GatewayApp extends RunningApp {
  readonly store: session.MemoryStore;
  /** Creates a session holding `user` in the store; returns the `Cookie` header that carries it. */
  login(user: Record<string, unknown>): Promise<{ cookie: string; sid: string }>;
  /** Opens a {@link DjustClient} (closed by {@link GatewayApp.close}). */
  client(options?: ClientOptions): Promise<DjustClient>;
  /** Opens a raw socket.io socket on `/djust` (closed by {@link GatewayApp.close}). */
  socket(options?: ClientOptions): Promise<Socket>;
}

/** Handshake options of the test clients. */
export interface ClientOptions {
  token?: string;
  headers?: Record<string, string>;
  transports?: ('websocket' | 'polling')[];
  timeout?: number;
  remount?: boolean;
  reconnection?: boolean;
}

/** Boots `module` with express-session running on the socket.io engine (SessionIoAdapter). */
export async function bootGatewayApp(module: Type, adapter: AdapterName, configure?: (app: INestApplication) => void): Promise<GatewayApp> {
  const store = new session.MemoryStore();
  const middleware = session({ secret: SESSION_SECRET, store, resave: false, saveUninitialized: false });
  const running = await bootApp(module, adapter, (app) => {
    app.useWebSocketAdapter(new SessionIoAdapter(app, [middleware]));
    configure?.(app);
  });
  const closers: (() => void)[] = [];
  const socketOptions = (o: ClientOptions): Partial<ManagerOptions & SocketOptions> => ({
    forceNew: true,
    reconnection: o.reconnection ?? false,
    reconnectionDelay: 10,
    reconnectionDelayMax: 50,
    transports: o.transports ?? ['websocket'],
    extraHeaders: o.headers,
    timeout: IO_TIMEOUT_MS,
  });
  return {
    ...running,
    store,
    async login(user) {
      const sid = randomUUID();
      await new Promise<void>((resolve, reject) =>
        store.set(sid, { cookie: { originalMaxAge: null, httpOnly: true, path: '/' }, user } as unknown as session.SessionData, (err) => (err ? reject(err) : resolve())),
      );
      return { sid, cookie: `connect.sid=${encodeURIComponent(signCookie(sid))}` };
    },
    async client(o = {}) {
      const options: ConnectDjustOptions = { io, socketOptions: socketOptions(o), timeout: o.timeout ?? IO_TIMEOUT_MS, remount: o.remount };
      if (o.token) options.token = o.token;
      const client = await connectDjust(running.url, options);
      closers.push(() => client.close());
      return client;
    },
    async socket(o = {}) {
      const socket = io(`${running.url}/djust`, { ...socketOptions(o), auth: o.token ? { token: o.token } : {} });
      closers.push(() => socket.disconnect());
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      return socket;
    },
    async close() {
      for (const close of closers) close();
      await running.close();
    },
  };
}

/** express-session's signed cookie value: `s:<sid>.<hmac>`. */
function signCookie(sid: string): string {
  return `s:${sid}.${createHmac('sha256', SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '')}`;
}

/** Emits with an ack, bounded by {@link IO_TIMEOUT_MS}. */
export async function emitAck(socket: Socket, event: string, payload?: unknown): Promise<any> {
  return checkedAck(await socket.timeout(IO_TIMEOUT_MS).emitWithAck(event, payload), payload);
}

/** Resolves with the next `event` the socket receives (bounded). */
export function nextMessage<T = any>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${IO_TIMEOUT_MS} ms`)), IO_TIMEOUT_MS);
    socket.once(event, (data: T) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** Resolves when the socket disconnects (bounded); the reason. */
export function untilDisconnected(socket: { connected: boolean; once(event: 'disconnect', fn: (reason: string) => void): unknown }): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${IO_TIMEOUT_MS} ms`)), IO_TIMEOUT_MS);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Bounded wait for server-side I/O to settle: retries `fn` until it stops throwing. */
export async function eventually<T>(fn: () => Promise<T>, what: string): Promise<T> {
  const deadline = Date.now() + IO_TIMEOUT_MS;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${String(err)}`, { cause: err });
      await new Promise((r) => setImmediate(r));
    }
  }
}

/** A resolved promise within a bound (a pending one fails the test). */
export function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${IO_TIMEOUT_MS} ms`)), IO_TIMEOUT_MS);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
