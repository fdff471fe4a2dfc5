import assert from 'node:assert/strict';

/** What a server-made request id looks like (`randomUUID()`). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A caller's own request id the server echoes (1–128 characters of `[A-Za-z0-9._-]`). */
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Every WS ack carries the call's `requestId` (SPEC, request ids): the
 * message's own when it sent a safe one, else a fresh UUID. Asserts that on
 * one ack and returns the ack without it, so a test can compare the rest
 * exactly. Leaves anything that is not an object ack as it is.
 */
export function checkedAck(ack: unknown, payload?: unknown): any {
  if (ack === null || typeof ack !== 'object' || Array.isArray(ack)) return ack;
  const { requestId, ...rest } = ack as Record<string, unknown>;
  assert.equal(typeof requestId, 'string', `the ack carries no requestId: ${JSON.stringify(ack)}`);
  const sent = payload !== null && typeof payload === 'object' ? (payload as { requestId?: unknown }).requestId : undefined;
  if (typeof sent === 'string' && SAFE_ID.test(sent)) assert.equal(requestId, sent, 'the ack echoes the message’s own request id');
  else assert.match(requestId as string, UUID, 'a fresh request id for a message without a safe one');
  return rest;
}
