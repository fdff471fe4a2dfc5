/**
 * The one place nestjs-djust reads a private part of fastify.
 *
 * Fastify computes `request.ip` with its `trustProxy` option, but exposes that
 * option nowhere public: not in `fastify.initialConfig`, not on Nest's
 * `FastifyAdapter`, and a socket.io handshake never becomes a fastify request.
 * The option object the instance was built with sits under the symbol
 * described `fastify.options`. `fastify-trust-proxy.spec.ts` boots real fastify
 * instances and fails when this stops finding it, or when a socket's IP stops
 * matching fastify's own `request.ip`.
 */

/** What {@link readFastifyTrustProxy} found. */
export type FastifyTrustProxyRead =
  /** The instance's `trustProxy` option as the app passed it (`undefined` when not set). */
  | { readonly found: true; readonly value: unknown }
  /** Fastify no longer keeps its options where this looks. */
  | { readonly found: false };

const OPTIONS_SYMBOL_DESCRIPTION = 'fastify.options';

/** Reads the `trustProxy` option of a fastify instance (the root instance, or any encapsulated child of it). */
export function readFastifyTrustProxy(instance: object): FastifyTrustProxyRead {
  for (let o: object | null = instance; o !== null; o = Object.getPrototypeOf(o)) {
    const symbol = Object.getOwnPropertySymbols(o).find((s) => s.description === OPTIONS_SYMBOL_DESCRIPTION);
    if (symbol === undefined) continue;
    const options: unknown = (o as Record<symbol, unknown>)[symbol];
    if (typeof options === 'object' && options !== null) return { found: true, value: (options as { trustProxy?: unknown }).trustProxy };
  }
  return { found: false };
}
