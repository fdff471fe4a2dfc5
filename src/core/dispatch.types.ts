import type { AuthMemo } from '../auth/authenticator.js';
import type { CallContext } from '../protocol/call-context.js';
import type { DjustException } from '../protocol/djust.exception.js';
import type { RateLimitDecision } from '../rate-limit/rate-limit-decision.interface.js';
import type { Plain } from '../serialization/to-plain.js';
import type { MountedView } from './mounted-view.js';

/** What every call carries, whatever its transport. */
interface CallBase {
  /** Who calls, as the transport saw them. */
  readonly caller: CallContext;
  /** The call's request id (see `resolveRequestId`): in the logs, the span and `onError`. */
  readonly requestId: string;
  /** The caller's W3C `traceparent` (an HTTP/MCP header, a WS message field): the span's parent. */
  readonly traceparent?: unknown;
  /** The decoded params: a JSON body, an event's `params`, a tool's `arguments`; `undefined` when absent. */
  readonly params: unknown;
  /** A decoding problem (malformed JSON): raised at the validation step, after every check. */
  readonly paramsError?: DjustException;
  /**
   * The caller's idempotency key as decoded — HTTP `Idempotency-Key`, WS event
   * `id`, MCP `_meta.idempotencyKey`; `undefined` (or `null`) when absent. Any
   * other value than a string of 1–128 characters is a 400 at the validation
   * step. Ignored on a mount.
   */
  readonly idempotencyKey?: unknown;
  /**
   * The transport's message as the app's guards see it (`switchToWs().getData()`),
   * built from the copied params — never the raw ones. Absent: `undefined`.
   */
  readonly message?: (params: unknown) => unknown;
}

/** A stateless call (HTTP, MCP): a fresh view instance, `mount`/`apiMount`, the handler. */
export interface StatelessCall extends CallBase {
  readonly kind: 'call';
  /** The view slug as decoded (any value: the core answers 404 for what is not a known slug). */
  readonly view: unknown;
  /** The handler name as decoded. */
  readonly handler: unknown;
  /** The auth classes' answers already known for this request (one request, several views). */
  readonly authMemo?: AuthMemo;
}

/** Mounting a view on a socket (WS `mount`). */
export interface MountCall extends CallBase {
  readonly kind: 'mount';
  readonly view: unknown;
  /** The reference the socket will use for this view. */
  readonly ref: string;
  /** Sends the view's changed assigns to its client (what `this.pushAssigns()` calls). */
  readonly push: () => Promise<void>;
  /** Follows a topic for this view (what `this.subscribe()` calls); the transport ends it with the view. */
  readonly subscribe: (topic: string, listener: (payload: any) => unknown) => () => void;
}

/** An event on a mounted view (WS `event`). */
export interface EventCall extends CallBase {
  readonly kind: 'event';
  readonly mounted: MountedView;
  readonly handler: unknown;
}

/** A call, as a transport decodes it. */
export type DjustCall = StatelessCall | MountCall | EventCall;

/** A call that succeeded. */
export interface DjustSuccess {
  readonly ok: true;
  /** The handler's return value as plain JSON (`null` for none, and for a mount). */
  readonly result: Plain;
  /** The changed assigns (a call or event), or all of them (a mount). */
  readonly assigns: Record<string, Plain>;
  /** The status `apiResponse({ status })` asked for; the HTTP transport answers with it. */
  readonly status?: number;
  /** The mounted view (a mount only): the WS transport keeps it for the socket. */
  readonly mounted?: MountedView;
  /** The rate-limit decision, when the handler has a `@RateLimit`. */
  readonly rateLimit?: RateLimitDecision;
  /** True when this is the kept answer of an earlier call with the same idempotency key (the handler did not run). */
  readonly replayed?: boolean;
}

/**
 * The steps of a call, in their one order. A failure says at which step it
 * stopped: up to `handler-access`, the caller may not see the handler at all
 * (MCP answers such a call as an unknown tool).
 */
export type DispatchStage =
  | 'resolve-view'
  | 'authenticate'
  | 'csrf'
  | 'view-access'
  | 'resolve-handler'
  | 'handler-access'
  | 'rate-limit'
  | 'validate'
  | 'idempotency'
  | 'run';

/** A call that failed: the wire error, the step it failed at, and the rate-limit decision if the call got that far. */
export interface DjustFailure {
  readonly ok: false;
  readonly error: DjustException;
  readonly stage: DispatchStage;
  readonly rateLimit?: RateLimitDecision;
  /** True when this is the kept answer of an earlier call with the same idempotency key (a 500 the handler ended with then). */
  readonly replayed?: boolean;
}

/** What the core answers a call: never a thrown error. */
export type DjustOutcome = DjustSuccess | DjustFailure;
