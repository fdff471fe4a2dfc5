/**
 * DI token: the clock (`() => epoch ms`) the gateway's per-socket limits and
 * session checks read. Optional; `Date.now` when absent. Internal: tests
 * provide a fake clock through a global module.
 */
export const DJUST_WS_CLOCK = Symbol('DJUST_WS_CLOCK');
