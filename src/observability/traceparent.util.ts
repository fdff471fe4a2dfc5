/** A W3C trace context parent, as read from a `traceparent` value. */
export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  /** The sampled flag and the others, as the 8-bit number of the header. */
  readonly traceFlags: number;
}

/** `version-traceid-parentid-flags`, lower-case hex (W3C Trace Context, version 00 and the forward-compatible form). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/**
 * Parses a W3C `traceparent` (from an HTTP or MCP request header, or the
 * `traceparent` field of a WS message); `undefined` when it is absent or
 * invalid — version `ff`, an all-zero id, extra data after a version-00 value,
 * or anything that is not a string of at most 512 characters.
 */
export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match;
  if (version === 'ff' || (version === '00' && value.trim().length !== 55)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}
