import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { createSampleApp, type SampleAppOptions } from '../../sample/sample-app.factory.js';
import { checkedAck } from '../support/ws-ack.js';

/** A running sample app on 127.0.0.1, port 0. */
export interface RunningSample {
  readonly app: NestExpressApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** Boots the sample (PGlite in memory unless the options say otherwise) on a free port. */
export async function startSample(options: SampleAppOptions = {}): Promise<RunningSample> {
  const app = await createSampleApp({ logger: process.env.DJUST_TEST_LOGS ? undefined : false, ...options });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A parsed JSON answer. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** `fetch` + JSON parsing. */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/** A logged-in session: what `curl -c jar` keeps. */
export interface SessionJar {
  /** The `Cookie` header value (`connect.sid=...`). */
  readonly cookie: string;
  readonly user: { id: number; username: string; permissions: string[] };
}

/** `curl -c jar -H 'Content-Type: application/json' -d '{"username":...,"password":...}' <url>/login` */
export async function login(url: string, username: string, password: string): Promise<SessionJar> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username} → ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('connect.sid='));
  if (!cookie) throw new Error('login set no session cookie');
  return { cookie, user: ((await res.json()) as { user: SessionJar['user'] }).user };
}

/** `curl -b jar <url>/djust/api/csrf | jq -r .csrfToken` */
export async function csrfToken(url: string, jar: SessionJar): Promise<string> {
  const res = await fetchJson(`${url}/djust/api/csrf`, { headers: { cookie: jar.cookie } });
  if (res.status !== 200 || typeof res.body?.csrfToken !== 'string') throw new Error(`csrf → ${res.status}`);
  return res.body.csrfToken;
}

/** POST JSON to `<url><path>` with extra headers. */
export function postJson(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return fetchJson(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Connects a socket.io client to the `/djust` namespace (cookie or token) and waits for the connection. */
export async function connectSocket(url: string, auth: { cookie?: string; token?: string } = {}): Promise<Socket> {
  const socket = io(`${url}/djust`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : undefined,
    auth: auth.token ? { token: auth.token } : undefined,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Emits with an ack, bounded (I/O only). */
export async function emitAck(socket: Socket, event: string, payload: unknown): Promise<any> {
  return checkedAck(await socket.timeout(10_000).emitWithAck(event, payload), payload);
}

/** Resolves with the next `assigns` push for `ref` that satisfies `accept` (bounded wait for I/O). */
export function nextPush(socket: Socket, ref: string, accept: (assigns: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('assigns', onPush);
      reject(new Error(`no matching assigns push for ${ref} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onPush = (message: { ref: string; assigns: any }): void => {
      if (message.ref !== ref || !accept(message.assigns)) return;
      clearTimeout(timer);
      socket.off('assigns', onPush);
      resolve(message.assigns);
    };
    socket.on('assigns', onPush);
  });
}
