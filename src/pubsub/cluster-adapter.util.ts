/**
 * Whether a socket.io namespace's adapter carries `serverSideEmit` to other
 * processes. socket.io's default in-memory `Adapter` defines it only to warn
 * that it cannot; every cluster adapter (`@socket.io/redis-adapter`, the
 * sharded and the streams adapters, Postgres...) overrides it. So: the
 * adapter carries it when its `serverSideEmit` is not the one of the
 * base-most prototype that defines it. `cluster-adapter.util.spec.ts` checks
 * this against the real default adapter and a real Redis adapter, and fails
 * loudly if socket.io changes how adapters are built.
 */
export function carriesServerSideEmit(adapter: unknown): boolean {
  if (adapter === null || typeof adapter !== 'object') return false;
  const own = (adapter as { serverSideEmit?: unknown }).serverSideEmit;
  if (typeof own !== 'function') return false;
  let base: { serverSideEmit?: unknown } | undefined;
  for (let proto = Object.getPrototypeOf(adapter); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, 'serverSideEmit')) base = proto;
  }
  return base !== undefined && own !== base.serverSideEmit;
}
