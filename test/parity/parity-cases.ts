import { QUOTA_LIMIT } from './parity.fixture.js';

/** One row of the parity table: the same call over HTTP and over WS. */
export interface ParityCase {
  readonly name: string;
  /** Permissions of the caller (a fresh user per case and transport); `null`: anonymous. */
  readonly perms: readonly string[] | null;
  readonly view: string;
  readonly handler: string;
  /** The JSON body (HTTP) / the event's params (WS); absent: no body / no params. */
  readonly params?: unknown;
  /**
   * Params of the WS `mount`, sent as-is on a raw socket (they may be anything, not only
   * an object); over HTTP the body is also what `mount` gets. Absent: the client mounts with `{}`.
   */
  readonly mountParams?: unknown;
  /** How many times to call; the last outcome is the one compared. Default 1. */
  readonly times?: number;
  /** The params of each call in turn (instead of `params` × `times`); the last outcome is the one compared. */
  readonly calls?: readonly unknown[];
  /** An idempotency key sent with every call: HTTP `Idempotency-Key`, WS event `id`, MCP `_meta.idempotencyKey`. */
  readonly key?: string;
  /**
   * Where MCP answers differently by design (SPEC, MCP): `hidden` — a refusal
   * before the caller could see the handler (a permission, an unknown or
   * unexposed name) is the JSON-RPC error of an unknown tool; `invalid-arguments`
   * — params that are not an object cannot be tool arguments (the protocol
   * refuses them with the same JSON-RPC error). Otherwise MCP answers as HTTP.
   */
  readonly mcp?: 'hidden' | 'invalid-arguments';
  /** What every transport must answer. */
  readonly expect: { readonly status: number; readonly error?: string; readonly result?: unknown; readonly assigns?: unknown; readonly details?: unknown };
}

const ALL = ['shop.refund', 'audit.view'];
const NOT_FOUND = { status: 404, error: 'not_found', details: {} };

/** The one table: success, validation, coercion, 401, 403, 404, 429, 500. */
export const PARITY_CASES: readonly ParityCase[] = [
  {
    name: 'success: result and the changed assigns',
    perms: ALL,
    view: 'shop',
    handler: 'update_status',
    params: { order_id: 42, status: 'shipped' },
    expect: { status: 200, result: { order_id: 42, status: 'shipped' }, assigns: { status: 'shipped' } },
  },
  { name: 'success: no return value is null', perms: ALL, view: 'shop', handler: 'nothing', expect: { status: 200, result: null, assigns: {} } },
  {
    name: 'coercion: "42" → 42',
    perms: ALL,
    view: 'shop',
    handler: 'update_status',
    params: { order_id: '42', status: 'x' },
    expect: { status: 200, result: { order_id: 42, status: 'x' }, assigns: { status: 'x' } },
  },
  { name: 'coercion: "false" → false', perms: ALL, view: 'shop', handler: 'flags', params: { enabled: 'false' }, expect: { status: 200, result: { enabled: false } } },
  {
    name: 'validation: a missing field',
    perms: ALL,
    view: 'shop',
    handler: 'update_status',
    params: { status: 'x' },
    expect: { status: 400, error: 'validation_error', details: { order_id: ['This field is required.'] } },
  },
  { name: 'validation: a value that does not coerce', perms: ALL, view: 'shop', handler: 'update_status', params: { order_id: 'abc', status: 'x' }, expect: { status: 400, error: 'validation_error' } },
  { name: 'validation: params that are not an object', perms: ALL, view: 'shop', handler: 'update_status', params: [1, 2], mcp: 'invalid-arguments', expect: { status: 400, error: 'validation_error' } },
  {
    name: 'validation: unknown keys are ignored',
    perms: ALL,
    view: 'shop',
    handler: 'update_status',
    params: { order_id: 1, status: 'y', extra: true },
    expect: { status: 200, result: { order_id: 1, status: 'y' } },
  },
  { name: '401: anonymous on a @LoginRequired view', perms: null, view: 'account', handler: 'me', expect: { status: 401, error: 'unauthenticated' } },
  { name: '401: anonymous on a permission view', perms: null, view: 'audit', handler: 'list', expect: { status: 401, error: 'unauthenticated' } },
  { name: '401 comes before 404 (unknown handler)', perms: null, view: 'account', handler: 'nope', expect: { status: 401, error: 'unauthenticated' } },
  { name: 'success: a logged-in caller', perms: [], view: 'account', handler: 'me', expect: { status: 200, result: { loggedIn: true, permissions: [] } } },
  { name: '403: a handler permission', perms: [], view: 'shop', handler: 'refund', params: { order_id: 1 }, mcp: 'hidden', expect: { status: 403, error: 'permission_denied' } },
  { name: '403 comes before 400', perms: [], view: 'shop', handler: 'refund', params: { order_id: 'abc' }, mcp: 'hidden', expect: { status: 403, error: 'permission_denied' } },
  { name: '403: a view permission', perms: ['shop.refund'], view: 'audit', handler: 'list', mcp: 'hidden', expect: { status: 403, error: 'permission_denied' } },
  { name: 'success: with the permission', perms: ALL, view: 'shop', handler: 'refund', params: { order_id: 1 }, expect: { status: 200, assigns: { status: 'refunded' } } },
  { name: '404: unknown view', perms: ALL, view: 'nope', handler: 'x', mcp: 'hidden', expect: NOT_FOUND },
  { name: '404: unknown handler', perms: ALL, view: 'shop', handler: 'nope', mcp: 'hidden', expect: NOT_FOUND },
  { name: '404: constructor', perms: ALL, view: 'shop', handler: 'constructor', mcp: 'hidden', expect: NOT_FOUND },
  { name: '404: __proto__', perms: ALL, view: 'shop', handler: '__proto__', mcp: 'hidden', expect: NOT_FOUND },
  { name: '404: a method that is not a handler', perms: ALL, view: 'shop', handler: 'internal', mcp: 'hidden', expect: NOT_FOUND },
  { name: '404: mount', perms: ALL, view: 'shop', handler: 'mount', mcp: 'hidden', expect: NOT_FOUND },
  { name: '404: a NotFoundException from the handler', perms: ALL, view: 'shop', handler: 'gone', expect: NOT_FOUND },
  { name: '429: beyond the handler rate limit', perms: ALL, view: 'shop', handler: 'quota', times: QUOTA_LIMIT + 1, expect: { status: 429, error: 'rate_limited' } },
  { name: 'success: within the rate limit', perms: ALL, view: 'shop', handler: 'quota', times: QUOTA_LIMIT, expect: { status: 200, result: 'ok' } },
  { name: '500: a throwing handler, nothing leaked', perms: ALL, view: 'shop', handler: 'boom', expect: { status: 500, error: 'handler_error', details: {} } },
  // One order of checks: an anonymous caller is refused before its params are looked at, whatever they are.
  {
    name: '401 comes before 400: anonymous, params that are not an object (mount and call)',
    perms: null,
    view: 'account',
    handler: 'me',
    params: [1, 2],
    mountParams: [1, 2],
    expect: { status: 401, error: 'unauthenticated' },
  },
  {
    name: '401 comes before 400: anonymous, params nested too deep',
    perms: null,
    view: 'audit',
    handler: 'list',
    params: deep(40),
    mountParams: deep(40),
    expect: { status: 401, error: 'unauthenticated' },
  },
  { name: '403 comes before 400: a view permission, params that are not an object', perms: [], view: 'audit', handler: 'list', params: 'x', mountParams: 'x', mcp: 'hidden', expect: { status: 403, error: 'permission_denied' } },
  {
    name: '400: params that are not an object, for a caller who passed every check',
    perms: ALL,
    view: 'shop',
    handler: 'nothing',
    params: [1, 2],
    mountParams: [1, 2],
    mcp: 'invalid-arguments', expect: { status: 400, error: 'validation_error', details: { non_field_errors: ['Expected a JSON object.'] } },
  },
  // Exactly-once (SPEC: Reconnect and exactly-once events): one key, the same answer on every transport.
  { name: 'idempotency: the same call again is the kept answer (the handler ran once)', perms: ALL, view: 'shop', handler: 'charge', params: { amount: 5 }, times: 2, key: 'pay-1', expect: { status: 200, result: { amount: 5, runs: 1 }, assigns: {} } },
  { name: 'idempotency: the same key with other params is 422', perms: ALL, view: 'shop', handler: 'charge', calls: [{ amount: 5 }, { amount: 6 }], key: 'pay-2', expect: { status: 422, error: 'idempotency_key_mismatch', details: { idempotency_key: ['This key was already used with other params; use a new key for a new call.'] } } },
  { name: 'idempotency: a 400 is not kept, the corrected call runs', perms: ALL, view: 'shop', handler: 'charge', calls: [{ amount: 'x' }, { amount: 7 }], key: 'pay-3', expect: { status: 200, result: { amount: 7, runs: 1 } } },
  { name: 'idempotency: a 500 is kept and replayed', perms: ALL, view: 'shop', handler: 'boom', times: 2, key: 'boom-1', expect: { status: 500, error: 'handler_error', details: {} } },
  { name: 'idempotency: a key longer than 128 characters is 400', perms: ALL, view: 'shop', handler: 'charge', params: { amount: 1 }, key: 'k'.repeat(129), expect: { status: 400, error: 'validation_error', details: { idempotency_key: ['Must be a string of 1 to 128 characters.'] } } },
  { name: 'idempotency: the key comes after the checks (403 first)', perms: [], view: 'shop', handler: 'refund', params: { order_id: 1 }, key: '', mcp: 'hidden', expect: { status: 403, error: 'permission_denied' } },
];

/** The params of each call of a case, in turn. */
export function callsOf(c: ParityCase): readonly unknown[] {
  return c.calls ?? Array.from({ length: c.times ?? 1 }, () => c.params);
}

/** `{ a: { a: ... } }`, `depth` levels deep. */
function deep(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
