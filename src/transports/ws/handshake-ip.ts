/** Whether the proxy at `address`, `hop` hops from the server, is trusted (express and proxy-addr's signature). */
export type TrustProxyFn = (address: string, hop: number) => boolean;

/**
 * The trust function of the app's HTTP adapter, so a socket's caller IP is
 * computed like `req.ip`: express's compiled `trust proxy` setting (read live).
 * Fastify keeps its `trustProxy` option private, so there the caller IP is
 * the TCP peer. `undefined` when no proxy is trusted.
 */
export function adapterTrustProxy(type: string | undefined, instance: any): TrustProxyFn | undefined {
  if (type !== 'express') return undefined;
  const fn = instance?.get?.('trust proxy fn');
  return typeof fn === 'function' ? fn : undefined;
}

/**
 * The caller's IP for a handshake request: the TCP peer, or — walking
 * `X-Forwarded-For` from the nearest hop while each hop is a trusted proxy —
 * the first untrusted address, exactly as proxy-addr (express, fastify) does.
 */
export function handshakeIp(request: any, fallback: string | undefined, trust: TrustProxyFn | undefined): string | undefined {
  const peer: string | undefined = request?.socket?.remoteAddress ?? fallback;
  if (!trust || peer === undefined) return peer;
  const header = request?.headers?.['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : typeof header === 'string' ? header : '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  const chain = [peer, ...forwarded];
  for (let hop = 0; hop < chain.length - 1; hop++) {
    if (!trust(chain[hop], hop)) return chain[hop];
  }
  return chain[chain.length - 1];
}
