import { Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { readFastifyTrustProxy } from './fastify-trust-proxy.js';

/** Whether the proxy at `address`, `hop` hops from the server, is trusted (express and proxy-addr's signature). */
export type TrustProxyFn = (address: string, hop: number) => boolean;

/** The last trust function compiled per app instance, recompiled when the setting's value changes. */
const compiled = new WeakMap<object, { value: unknown; trust: TrustProxyFn | undefined }>();

/**
 * The trust function of the app's HTTP adapter, so a socket's caller IP is
 * computed like the adapter's `req.ip` (read live, compiled once per value):
 *
 * - express: its public `trust proxy` setting (`app.get('trust proxy')`), with
 *   express's documented rules: `true`, a hop count, addresses/subnets/names
 *   (comma-separated or an array, through proxy-addr's `compile`, as express
 *   does) or a function.
 * - fastify: its `trustProxy` option, which fastify keeps private (see
 *   `fastify-trust-proxy.ts`), with fastify's rules: as above, except that a
 *   number trusts nothing, as fastify 5.12 does (a fastify that still counts
 *   hops gets the stricter answer here: the TCP peer).
 *
 * `undefined` when no proxy is trusted: the caller IP is the TCP peer.
 */
export function adapterTrustProxy(type: string | undefined, instance: any): TrustProxyFn | undefined {
  if ((type !== 'express' && type !== 'fastify') || instance == null) return undefined;
  let value: unknown;
  if (type === 'express') {
    value = typeof instance.get === 'function' ? instance.get('trust proxy') : undefined;
  } else {
    const read = readFastifyTrustProxy(instance);
    if (!read.found) return unreadable(instance);
    value = read.value;
  }
  const last = compiled.get(instance);
  if (last && Object.is(last.value, value)) return last.trust;
  const trust = compileTrust(value, type === 'express' ? 'hops' : 'none');
  compiled.set(instance, { value, trust });
  return trust;
}

/** express's `compileTrust`, and fastify's `getTrustProxyFn` when `numbers` is `'none'`. */
function compileTrust(value: unknown, numbers: 'hops' | 'none'): TrustProxyFn | undefined {
  if (typeof value === 'function') return value as TrustProxyFn;
  if (value === true) return () => true;
  if (typeof value === 'number') return numbers === 'hops' && value > 0 ? (_address, hop) => hop < value : undefined;
  const list = typeof value === 'string' && value !== '' ? value.split(',').map((s) => s.trim()) : Array.isArray(value) ? (value as string[]) : [];
  return list.length > 0 ? proxyaddr.compile(list) : undefined;
}

/** Fastify moved its options: warn once per instance, and trust no proxy (never a raw `X-Forwarded-For`). */
function unreadable(instance: object): undefined {
  if (!compiled.has(instance)) {
    compiled.set(instance, { value: undefined, trust: undefined });
    new Logger('Djust').warn(
      "nestjs-djust cannot read fastify's trustProxy option (fastify changed its internals): a socket's caller IP is its TCP peer, which behind a proxy is the proxy. Please report this with your fastify version.",
    );
  }
  return undefined;
}

/**
 * The caller's IP for a handshake request: the TCP peer, or — walking
 * `X-Forwarded-For` from the nearest hop while each hop is a trusted proxy —
 * the first untrusted address: proxy-addr's answer, which is express's `req.ip`
 * (fastify's is the same algorithm, in its fork `@fastify/proxy-addr`).
 */
export function handshakeIp(request: any, fallback: string | undefined, trust: TrustProxyFn | undefined): string | undefined {
  const peer: string | undefined = request?.socket?.remoteAddress ?? fallback;
  if (!trust || peer === undefined) return peer;
  const header: unknown = request?.headers?.['x-forwarded-for'];
  const forwardedFor = Array.isArray(header) ? header.join(', ') : typeof header === 'string' ? header : '';
  return proxyaddr({ socket: { remoteAddress: peer }, headers: { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage, trust);
}
