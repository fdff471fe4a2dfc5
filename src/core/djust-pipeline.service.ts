import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccessChecker } from '../auth/access-checker.js';
import { unauthenticatedError } from '../auth/auth-errors.js';
import { Authenticator } from '../auth/authenticator.js';
import { verifyCsrf } from '../auth/csrf.js';
import { DJUST_RESOLVED_OPTIONS, VIEW_CONTEXT } from '../djust.internal-constants.js';
import { DjustException, notFound } from '../errors/djust.exception.js';
import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import { ViewRegistry } from '../discovery/view-registry.js';
import type { LiveViewBase, ViewContext } from '../live-view.base.js';
import { RateLimiter, callerKey, rateLimitHeaders } from '../rate-limit/rate-limiter.service.js';
import { diffAssigns, snapshotAssigns, snapshotToObject, type AssignsSnapshot } from '../serialization/assigns.js';
import { SerializationError } from '../serialization/serialization.error.js';
import { toPlain, type Plain } from '../serialization/to-plain.js';
import { DtoValidator } from '../validation/dto-validator.js';
import { sanitizeParams } from '../validation/sanitize.js';
import { labelOf } from '../logging/safe-format.util.js';
import { ApiResponse } from './api-response.js';
import type { AuthResult, CallContext } from './call-context.interface.js';
import { toWireError } from './error-mapping.js';
import type { ResolvedDjustOptions } from './resolved-options.js';

/** What an HTTP call hands the pipeline. */
export interface HttpCall {
  readonly slug: string;
  readonly handler: string;
  /** The parsed JSON body, `undefined` when absent. */
  readonly body: unknown;
  /** A body problem (malformed JSON): raised at the validation step, after every check. */
  readonly bodyError?: DjustException;
  readonly ctx: CallContext;
}

/** What the HTTP binding writes: status, JSON body, headers. */
export interface CallOutcome {
  readonly status: number;
  readonly body: unknown;
  /** A body already serialized as JSON (sent as-is instead of `body`). */
  readonly json?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A view mounted on a socket: a stateful instance and the assigns its client last saw. */
export interface MountedView {
  readonly ref: string;
  readonly record: ViewRecord;
  readonly view: LiveViewBase;
  readonly auth: AuthResult;
  readonly ctx: CallContext;
  /** The assigns as last sent to the client (the diff baseline). */
  readonly baseline: AssignsSnapshot;
  /** Serializes work on this view: events and pushes run one at a time. */
  tail: Promise<unknown>;
}

/**
 * The one transport-agnostic pipeline. Order of checks, identical for both
 * transports: resolve view → authenticate → CSRF → view-level login/permissions
 * → resolve handler → handler permissions → rate limit → validation →
 * mount/apiMount → handler → diff/serialize. Nothing of the view runs before
 * the caller has passed every check. Transports only translate in and out.
 */
@Injectable()
export class DjustPipeline {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly registry: ViewRegistry,
    private readonly authenticator: Authenticator,
    private readonly access: AccessChecker,
    private readonly limiter: RateLimiter,
    private readonly validator: DtoValidator,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
  ) {}

  /** One stateless HTTP call: never throws, always an envelope. */
  async http(call: HttpCall): Promise<CallOutcome> {
    let headers: Record<string, string> | undefined;
    try {
      const record = this.resolveView(call.slug);
      const auth = await this.authenticator.authenticate(record, call.ctx);
      if (auth.user === null || auth.user === undefined) {
        throw unauthenticatedError();
      }
      if (!auth.csrfExempt) verifyCsrf(call.ctx);
      await this.access.checkView(record, auth, call.ctx);
      const handler = record.handlers.get(call.handler);
      if (!handler || !handler.options.exposeApi) throw notFound();
      await this.access.checkHandler(record, handler, auth, call.ctx);
      headers = await this.rateLimit(handler, auth, call.ctx);
      if (call.bodyError) throw call.bodyError;
      const params = sanitizeParams(call.body, this.options.maxDepth);
      const dto = await this.params(handler, params);

      const view = record.create();
      this.attach(view, { transport: 'http', user: auth.user, httpRequest: call.ctx.httpRequest });
      const mountParams = isObject(params) ? params : {};
      await this.run(record, record.hasApiMount ? 'apiMount' : 'mount', () => callMount(view, record.hasApiMount, mountParams));
      const before = snapshotAssigns(view, record);
      const returned = await this.run(record, handler.name, () => this.invoke(view, handler, dto));
      if (returned instanceof ApiResponse) {
        return {
          status: returned.options.status ?? 200,
          body: { result: this.serialize(record, handler, returned.resolveResult()), assigns: {} },
          headers,
        };
      }
      const result = this.serialize(record, handler, returned);
      const assigns = this.serializeStep(record, handler, () => diffAssigns(view, record, before));
      return { status: 200, body: { result, assigns }, headers };
    } catch (err) {
      const wire = toWireError(err, this.options.debug, this.logger, `${labelOf(call.slug)}.${labelOf(call.handler)}`);
      return { status: wire.status, body: wire.toBody(), headers: { ...headers, ...wire.headers } };
    }
  }

  /**
   * Mounts a view for a socket: resolve → authenticate against the handshake →
   * view-level checks → instance → `mount(params)` → all public assigns.
   * An anonymous socket may mount views that require neither login nor a permission.
   */
  async mount(ref: string, slug: string, rawParams: unknown, ctx: CallContext, push: () => Promise<void>): Promise<{ mounted: MountedView; assigns: Record<string, Plain> }> {
    const record = this.resolveView(slug);
    const auth = await this.authenticator.authenticate(record, ctx);
    const params = sanitizeParams(rawParams ?? {}, this.options.maxDepth);
    await this.access.checkView(record, auth, ctx, { view: slug, params });
    if (!isObject(params)) {
      throw new DjustException('validation_error', { non_field_errors: ['Expected a JSON object.'] }, 'Invalid input.');
    }
    const view = record.create();
    this.attach(view, { transport: 'ws', user: auth.user ?? null, httpRequest: undefined, push });
    await this.run(record, 'mount', () => callMount(view, false, params));
    const baseline = this.serializeStep(record, undefined, () => snapshotAssigns(view, record));
    return { mounted: { ref, record, view, auth, ctx, baseline, tail: Promise.resolve() }, assigns: snapshotToObject(baseline) };
  }

  /**
   * Runs a handler on a mounted view: view-level checks again (permissions can
   * change) → resolve handler (any `@EventHandler`) → handler permissions →
   * rate limit → validation → handler → changed assigns. Events on one view run
   * one at a time.
   */
  event(mounted: MountedView, handlerName: string, rawParams: unknown): Promise<{ result: Plain; assigns: Record<string, Plain> }> {
    return this.serialized(mounted, async () => {
      const { record, view, auth, ctx } = mounted;
      const data = { handler: handlerName, params: rawParams };
      await this.access.checkView(record, auth, ctx, data);
      const handler = record.handlers.get(handlerName);
      if (!handler) throw notFound();
      await this.access.checkHandler(record, handler, auth, ctx, data);
      await this.rateLimit(handler, auth, ctx);
      const dto = await this.params(handler, sanitizeParams(rawParams, this.options.maxDepth));
      const returned = await this.run(record, handler.name, () => this.invoke(view, handler, dto));
      const value = returned instanceof ApiResponse ? returned.resolveResult() : returned;
      const result = this.serialize(record, handler, value);
      const assigns = this.serializeStep(record, handler, () => diffAssigns(view, record, mounted.baseline, true));
      return { result, assigns };
    });
  }

  /** The assigns changed since the client last saw them (server push); updates the baseline. */
  pending(mounted: MountedView): Promise<Record<string, Plain>> {
    return this.serialized(mounted, async () =>
      this.serializeStep(mounted.record, undefined, () => diffAssigns(mounted.view, mounted.record, mounted.baseline, true)),
    );
  }

  /** Maps anything thrown by `mount`/`event` to the wire error (for the gateway's acks). */
  wireError(err: unknown, where: string): DjustException {
    return toWireError(err, this.options.debug, this.logger, where);
  }

  private resolveView(slug: string): ViewRecord {
    const record = typeof slug === 'string' ? this.registry.view(slug) : undefined;
    if (!record) throw notFound();
    return record;
  }

  private async rateLimit(handler: HandlerRecord, auth: AuthResult, ctx: CallContext): Promise<Record<string, string> | undefined> {
    const limit = handler.rateLimit;
    if (!limit) return undefined;
    const decision = await this.limiter.consume(handler.bucket, callerKey(auth.user, ctx.ip), limit.limit, limit.ttl);
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      if (decision.storageFailed) {
        throw new DjustException('service_unavailable', {}, 'Rate limiting is unavailable; try again later.', { 'Retry-After': '1' });
      }
      throw new DjustException('rate_limited', { retry_after: decision.retryAfterSeconds ?? decision.resetSeconds }, 'Too many requests.', headers);
    }
    return headers;
  }

  private async params(handler: HandlerRecord, params: unknown): Promise<unknown> {
    if (handler.arity === 0) return undefined;
    if (handler.dtoType) return this.validator.validate(handler.dtoType, params);
    if (params === undefined) return {};
    if (!isObject(params)) {
      throw new DjustException('validation_error', { non_field_errors: ['Expected a JSON object.'] }, 'Invalid input.');
    }
    return params;
  }

  private invoke(view: LiveViewBase, handler: HandlerRecord, dto: unknown): unknown {
    return handler.arity === 0 ? handler.method.call(view) : handler.method.call(view, dto);
  }

  /** Runs view code (mount or handler), with the optional timeout; errors become wire errors upstream. */
  private async run<T>(record: ViewRecord, what: string, fn: () => T | Promise<T>): Promise<T> {
    const timeout = this.options.handlerTimeout;
    if (!timeout) return await fn();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(fn),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            this.logger.error(`${record.slug}.${what} timed out after ${timeout} ms`);
            reject(new DjustException('handler_timeout', {}, 'The handler did not finish in time.'));
          }, timeout);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private serialize(record: ViewRecord, handler: HandlerRecord | undefined, value: unknown): Plain {
    return this.serializeStep(record, handler, () => toPlain(value) ?? null);
  }

  private serializeStep<T>(record: ViewRecord, handler: HandlerRecord | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof SerializationError) throw toWireError(err, this.options.debug, this.logger, `${record.slug}.${handler?.name ?? 'mount'} (serialization)`);
      throw err;
    }
  }

  private attach(view: LiveViewBase, context: ViewContext): void {
    (view as unknown as Record<symbol, ViewContext>)[VIEW_CONTEXT] = context;
  }

  private serialized<T>(mounted: MountedView, fn: () => Promise<T>): Promise<T> {
    const next = mounted.tail.then(fn, fn);
    mounted.tail = next.catch(() => undefined);
    return next;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function callMount(view: LiveViewBase, api: boolean, params: Record<string, unknown>): unknown {
  const target = view as unknown as { mount?: (p: unknown) => unknown; apiMount?: (p: unknown) => unknown };
  if (api) return target.apiMount!(params);
  return typeof target.mount === 'function' ? target.mount(params) : undefined;
}
