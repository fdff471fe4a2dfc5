import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccessChecker } from '../auth/access-checker.js';
import { Authenticator, type AuthMemo } from '../auth/authenticator.js';
import { verifyCsrf } from '../auth/csrf.js';
import { labelOf } from '../common/safe-format.util.js';
import { DJUST_RESOLVED_OPTIONS } from '../djust.internal-constants.js';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import { ViewRegistry } from '../discovery/view-registry.js';
import type { LiveViewBase } from '../live-view.base.js';
import type { AuthResult, CallContext, DjustTransport } from '../protocol/call-context.js';
import { DjustException, type DjustErrorBody } from '../protocol/djust.exception.js';
import { isErrorKind } from '../protocol/error-kinds.js';
import { handlerError, invalidIdempotencyKey, notAnObject, notFound, rateLimited, rateLimitUnavailable, unauthenticated } from '../protocol/wire-errors.js';
import { IdempotencyGate } from '../idempotency/idempotency-gate.service.js';
import { isValidIdempotencyKey, type IdempotencyScope } from '../idempotency/idempotency-key.util.js';
import type { StoredOutcome } from '../idempotency/idempotency-store.interface.js';
import { callerKey } from '../rate-limit/caller-key.util.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { diffAssigns, snapshotAssigns, snapshotToObject } from '../serialization/assigns.js';
import { toPlain, type Plain } from '../serialization/to-plain.js';
import { DtoValidator } from '../validation/dto-validator.js';
import { sanitizeParams } from '../validation/sanitize.js';
import { validateWithStandardSchema } from '../validation/standard-schema.validator.js';
import { ApiResponse } from './api-response.js';
import { CallObserver } from './call-observer.js';
import type { CallState } from './call-state.js';
import type { DispatchStage, DjustCall, DjustOutcome, DjustSuccess, EventCall, MountCall, StatelessCall } from './dispatch.types.js';
import { toWireError } from './error-mapping.js';
import { MountedView } from './mounted-view.js';
import type { ResolvedDjustOptions } from './resolved-options.js';
import { ViewRunner, type InvocationContext } from './view-runner.js';

/** The stages at which a refusal means "this caller may not see this handler". */
const VISIBILITY_STAGES: ReadonlySet<DispatchStage> = new Set(['resolve-view', 'authenticate', 'view-access', 'resolve-handler', 'handler-access']);

/** The params after the defensive copy: the copy, or the 400 to raise at the validation step. */
interface Input {
  readonly value: unknown;
  readonly error?: DjustException;
}

/**
 * The one dispatch. Every call of every transport — an HTTP request, an MCP
 * `tools/call`, a WS `mount` or `event` — goes through {@link dispatch}, and
 * the order of checks is written once, in {@link checkAndRun}:
 *
 * resolve the view (404) → authenticate (401) → CSRF (403) → view-level
 * login/permissions/guards (401/403) → resolve the handler (404, the same
 * answer whether the name is missing or merely not exposed on this
 * transport) → handler permissions/guards (403) → rate limit (429) →
 * validation (400) → idempotency key (409/422, or the kept answer) →
 * `mount`/`apiMount` → handler (500/504) → serialize.
 *
 * Nothing of the view runs before the caller has passed every check. The core
 * knows no status code, header or ack: it returns an outcome, and each
 * transport encodes it.
 */
@Injectable()
export class DjustDispatcher {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly registry: ViewRegistry,
    private readonly authenticator: Authenticator,
    private readonly access: AccessChecker,
    private readonly limiter: RateLimiter,
    private readonly validator: DtoValidator,
    private readonly runner: ViewRunner,
    private readonly observer: CallObserver,
    private readonly idempotency: IdempotencyGate,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
  ) {}

  /** Runs one call. Never throws: every failure is a {@link DjustOutcome} with a wire error. */
  async dispatch(call: DjustCall): Promise<DjustOutcome> {
    const state: CallState = { stage: 'resolve-view' };
    return this.observer.observe(call, state, async () => {
      try {
        // Events on one mounted view run one at a time, checks included (permissions can change meanwhile).
        return call.kind === 'event' ? await call.mounted.exclusive(() => this.checkAndRun(call, state)) : await this.checkAndRun(call, state);
      } catch (err) {
        state.cause ??= err;
        const failure = { ok: false as const, error: this.wireError(err, where(call, state)), stage: state.stage, rateLimit: state.rateLimit };
        return state.replayed ? { ...failure, replayed: true } : failure;
      }
    });
  }

  /**
   * The assigns of a mounted view that changed since its client last saw them
   * (a server push), queued behind the view's events; updates the baseline.
   */
  pending(mounted: MountedView): Promise<Record<string, Plain>> {
    return mounted.exclusive(async () => diffAssigns(mounted.view, mounted.record, mounted.baseline, true));
  }

  /**
   * Maps anything thrown around a view to a wire error: a `DjustException` as
   * is, a Nest `HttpException` by its status, anything else a 500 whose
   * message and stack are logged (`where` names the call), never sent.
   */
  wireError(err: unknown, where: string): DjustException {
    return toWireError(err, this.options.debug, this.logger, where);
  }

  /**
   * Whether `caller` may see `handler` of `record`: accepted by the view's auth
   * classes, past the view- and handler-level login, permissions and guards —
   * the checks of {@link checkAndRun} up to `handler-access`, nothing run. For
   * MCP's `tools/list`, so a caller never learns of a tool it cannot use.
   */
  async permits(caller: CallContext, record: ViewRecord, handler: HandlerRecord, authMemo?: AuthMemo): Promise<boolean> {
    try {
      const auth = await this.authenticate(record, caller, authMemo);
      await this.access.checkView(record, auth, caller, undefined);
      this.resolveHandler(record, handler.name, caller.transport);
      await this.access.checkHandler(record, handler, auth, caller, undefined);
      return true;
    } catch (err) {
      if (err instanceof DjustException) return false;
      throw err;
    }
  }

  /** Whether a failure stopped at a step that hides the handler from the caller (see {@link DispatchStage}). */
  static hidesHandler(stage: DispatchStage): boolean {
    return VISIBILITY_STAGES.has(stage);
  }

  /** The order of checks, written once for every kind of call. */
  private async checkAndRun(call: DjustCall, state: CallState): Promise<DjustSuccess> {
    const { caller } = call;
    const record = (state.record = call.kind === 'event' ? call.mounted.record : this.resolveView(call.view));
    state.stage = 'authenticate';
    const auth = call.kind === 'event' ? call.mounted.auth : await this.authenticate(record, caller, call.kind === 'call' ? call.authMemo : undefined);
    state.user = auth.user;
    state.stage = 'csrf';
    if (!auth.csrfExempt) verifyCsrf(caller);
    state.stage = 'view-access';
    const input = this.copyParams(call);
    const data = call.message?.(input.value);
    await this.access.checkView(record, auth, caller, data);
    if (call.kind !== 'mount') {
      state.stage = 'resolve-handler';
      const handler = (state.handler = this.resolveHandler(record, call.handler, caller.transport));
      state.stage = 'handler-access';
      await this.access.checkHandler(record, handler, auth, caller, data);
      state.stage = 'rate-limit';
      await this.rateLimit(handler, auth, caller, state);
      state.stage = 'validate';
      const arg = await this.validate(handler, input);
      const key = idempotencyKeyOf(call);
      const invocation = { caller, user: auth.user, data };
      const run = (): Promise<DjustSuccess> => {
        state.stage = 'run';
        return call.kind === 'call'
          ? this.runStateless(call, record, handler, auth, input, arg, invocation, state)
          : this.runEvent(call, handler, arg, invocation, state);
      };
      if (key === undefined) return run();
      state.stage = 'idempotency';
      return this.runOnce(call, state, { caller: callerKey(auth.user, caller.ip), view: record.slug, handler: handler.name, key }, input.value, run);
    }
    state.stage = 'validate';
    if (input.error) throw input.error;
    if (!isObject(input.value ?? {})) throw notAnObject();
    state.stage = 'run';
    return this.runMount(call, record, auth, (input.value ?? {}) as Record<string, unknown>);
  }

  private resolveView(slug: unknown): ViewRecord {
    const record = typeof slug === 'string' ? this.registry.view(slug) : undefined;
    if (!record) throw notFound();
    return record;
  }

  /** Over HTTP and MCP a caller no auth class accepts is refused (401); a socket may stay anonymous. */
  private async authenticate(record: ViewRecord, caller: CallContext, memo?: AuthMemo): Promise<AuthResult> {
    const auth = await this.authenticator.authenticate(record, caller, memo);
    if (caller.transport !== 'ws' && (auth.user === null || auth.user === undefined)) throw unauthenticated();
    return auth;
  }

  /** Any `@EventHandler` over WS; over HTTP only `exposeApi`, over MCP only `exposeMcp`. */
  private resolveHandler(record: ViewRecord, name: unknown, transport: DjustTransport): HandlerRecord {
    const handler = typeof name === 'string' ? record.handlers.get(name) : undefined;
    if (!handler || (transport === 'http' && !handler.options.exposeApi) || (transport === 'mcp' && !handler.options.exposeMcp)) throw notFound();
    return handler;
  }

  /** Counts the call in its bucket; the decision goes into the outcome, refused or not (for the `RateLimit-*` headers). */
  private async rateLimit(handler: HandlerRecord, auth: AuthResult, caller: CallContext, state: CallState): Promise<void> {
    const limit = handler.rateLimit;
    if (!limit) return;
    const decision = (state.rateLimit = await this.limiter.consume(handler.bucket, callerKey(auth.user, caller.ip), limit.limit, limit.ttl));
    if (!decision.allowed) throw decision.storageFailed ? rateLimitUnavailable() : rateLimited(decision.retryAfterSeconds ?? decision.resetSeconds);
  }

  /**
   * The defensive copy of the params (see `sanitizeParams`), made once: guards
   * see the copy; a copy that fails (nesting too deep), like a body that did
   * not decode, is a 400 raised at the validation step, after the auth checks.
   */
  private copyParams(call: DjustCall): Input {
    if (call.paramsError) return { value: undefined, error: call.paramsError };
    try {
      return { value: sanitizeParams(call.params, this.options.maxDepth) };
    } catch (err) {
      if (err instanceof DjustException) return { value: undefined, error: err };
      throw err;
    }
  }

  /**
   * The handler's argument: its DTO, validated and coerced. A handler without
   * a DTO (no parameter; over WS only, an untyped one) accepts absent params or
   * an object: nothing for the former, the copied object for the latter.
   */
  private async validate(handler: HandlerRecord, input: Input): Promise<unknown> {
    if (input.error) throw input.error;
    if (handler.paramsSchema) return validateWithStandardSchema(handler.paramsSchema, input.value);
    if (handler.dtoType) return this.validator.validate(handler.dtoType, input.value);
    if (input.value !== undefined && !isObject(input.value)) throw notAnObject();
    return handler.arity === 0 ? undefined : (input.value ?? {});
  }

  /**
   * The idempotency stage: the call runs at most once per (caller, view,
   * handler, key). Whatever the run ends with — a success, a 500, a 504, an
   * `HttpException` of the handler — is kept and replayed to the same call
   * (`replayed`); a replayed 5xx is not reported again.
   */
  private async runOnce(call: DjustCall, state: CallState, scope: IdempotencyScope, params: unknown, run: () => Promise<DjustSuccess>): Promise<DjustSuccess> {
    let firstError: DjustException | undefined;
    const { outcome, replayed } = await this.idempotency.once(scope, params, async (): Promise<StoredOutcome> => {
      try {
        const success = await run();
        return { ok: true, result: success.result, assigns: success.assigns, ...(success.status !== undefined ? { status: success.status } : {}) };
      } catch (err) {
        state.cause = err;
        firstError = this.wireError(err, where(call, state));
        return { ok: false, error: firstError.toBody() };
      }
    });
    if (replayed) state.replayed = true;
    if (!outcome.ok) throw firstError ?? fromBody(outcome.error);
    const success: DjustSuccess = { ok: true, result: outcome.result as Plain, assigns: outcome.assigns as Record<string, Plain>, rateLimit: state.rateLimit };
    return { ...success, ...(outcome.status !== undefined ? { status: outcome.status } : {}), ...(replayed ? { replayed } : {}) };
  }

  /** HTTP and MCP: a fresh instance, `apiMount` (or `mount`), the handler, the assigns it changed. */
  private async runStateless(
    call: StatelessCall,
    record: ViewRecord,
    handler: HandlerRecord,
    auth: AuthResult,
    input: Input,
    arg: unknown,
    invocation: InvocationContext,
    state: CallState,
  ): Promise<DjustSuccess> {
    const view = record.create();
    this.runner.attach(view, { transport: call.caller.transport, user: auth.user, httpRequest: call.caller.httpRequest });
    await this.runner.mount(record, view, isObject(input.value) ? input.value : {}, true);
    const before = snapshotAssigns(view, record);
    const returned = await this.runner.invoke(record, handler, view, arg, invocation);
    if (returned instanceof ApiResponse) {
      return { ok: true, result: plainResult(returned.resolveResult()), assigns: {}, status: returned.options.status, rateLimit: state.rateLimit };
    }
    const result = plainResult(returned);
    return { ok: true, result, assigns: diffAssigns(view, record, before), rateLimit: state.rateLimit };
  }

  /** WS mount: a fresh instance kept for the socket, `mount(params)`, every public assign. */
  private async runMount(call: MountCall, record: ViewRecord, auth: AuthResult, params: Record<string, unknown>): Promise<DjustSuccess> {
    const view: LiveViewBase = record.create();
    this.runner.attach(view, { transport: 'ws', user: auth.user ?? null, httpRequest: undefined, push: call.push, subscribe: call.subscribe });
    await this.runner.mount(record, view, params, false);
    const baseline = snapshotAssigns(view, record);
    const mounted = new MountedView(call.ref, record, view, auth, call.caller, baseline);
    return { ok: true, result: null, assigns: snapshotToObject(baseline), mounted };
  }

  /** WS event: the handler on the mounted instance; the assigns changed since the client last saw them. */
  private async runEvent(call: EventCall, handler: HandlerRecord, arg: unknown, invocation: InvocationContext, state: CallState): Promise<DjustSuccess> {
    const { mounted } = call;
    const returned = await this.runner.invoke(mounted.record, handler, mounted.view, arg, invocation);
    const result = plainResult(returned instanceof ApiResponse ? returned.resolveResult() : returned);
    return { ok: true, result, assigns: diffAssigns(mounted.view, mounted.record, mounted.baseline, true), rateLimit: state.rateLimit };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The call's idempotency key, checked (400 unless a string of 1–128 characters); `undefined` when it has none. */
function idempotencyKeyOf(call: StatelessCall | EventCall): string | undefined {
  const key = call.idempotencyKey;
  if (key === undefined || key === null) return undefined;
  if (!isValidIdempotencyKey(key)) throw invalidIdempotencyKey();
  return key;
}

/** A kept wire error, as the exception the transports encode (a kind that is not in the catalogue any more is a 500). */
function fromBody(body: DjustErrorBody): DjustException {
  return isErrorKind(body.error) ? new DjustException(body.error, body.details ?? {}, body.message) : handlerError();
}

/** A handler's return value as plain JSON (`undefined` → `null`). */
function plainResult(value: unknown): Plain {
  return toPlain(value) ?? null;
}

/** `view.handler` of a call, for the logs (names as decoded, made safe to print). */
function where(call: DjustCall, state: CallState): string {
  const view = state.record?.slug ?? (call.kind === 'event' ? call.mounted.record.slug : labelOf(call.view));
  const handler = call.kind === 'mount' ? 'mount' : (state.handler?.name ?? labelOf(call.handler));
  return `${view}.${handler} [request ${call.requestId}]`;
}
