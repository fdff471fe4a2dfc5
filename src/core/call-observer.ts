import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { errorDetail } from '../common/safe-format.util.js';
import { DJUST_RESOLVED_OPTIONS, DJUST_TRACER } from '../djust.internal-constants.js';
import type { DjustErrorContext } from '../interfaces/djust-module-options.interface.js';
import { DjustTracer, type CallSpan } from '../observability/djust-tracer.js';
import { parseTraceparent } from '../observability/traceparent.util.js';
import type { DjustException } from '../protocol/djust.exception.js';
import { userId } from '../rate-limit/caller-key.util.js';
import type { CallState } from './call-state.js';
import type { DjustCall, DjustOutcome } from './dispatch.types.js';
import type { ResolvedDjustOptions } from './resolved-options.js';

/**
 * The one observability stage of the dispatch, around every call of every
 * transport: an OpenTelemetry span `djust <slug>.<handler>` (`djust
 * <slug>.mount`) with `djust.view`, `djust.handler`, `djust.transport`,
 * `djust.request_id` and `enduser.id`, parented on the call's W3C
 * `traceparent`, status ERROR on a 5xx; and `onError` called once per 5xx with
 * the original error (not again when an idempotency key replays it; the span
 * then says `djust.idempotency.replayed`).
 */
@Injectable()
export class CallObserver {
  private readonly logger = new Logger('Djust');
  private readonly tracer: DjustTracer;

  constructor(
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
    @Optional() @Inject(DJUST_TRACER) tracer?: DjustTracer,
  ) {
    this.tracer = tracer ?? new DjustTracer();
  }

  /** Runs a call inside its span (when tracing is on), and reports its 5xx. */
  async observe(call: DjustCall, state: CallState, run: () => Promise<DjustOutcome>): Promise<DjustOutcome> {
    const attributes = { 'djust.transport': call.caller.transport, 'djust.request_id': call.requestId };
    return this.tracer.run('djust call', attributes, parseTraceparent(call.traceparent), async (span) => {
      const outcome = await run();
      if (!outcome.ok && outcome.error.status >= 500 && !state.replayed) this.report(outcome.error, call, state);
      if (span) this.describe(span, call, state, outcome);
      return outcome;
    });
  }

  private describe(span: CallSpan, call: DjustCall, state: CallState, outcome: DjustOutcome): void {
    const view = state.record?.slug;
    const handler = call.kind === 'mount' ? 'mount' : state.handler?.name;
    if (view) span.rename(`djust ${view}.${handler ?? 'unknown'}`);
    const enduser = userId(state.user);
    span.set({
      ...(view ? { 'djust.view': view } : {}),
      ...(handler ? { 'djust.handler': handler } : {}),
      ...(enduser !== undefined ? { 'enduser.id': enduser } : {}),
      ...(state.replayed ? { 'djust.idempotency.replayed': true } : {}),
    });
    if (!outcome.ok && outcome.error.status >= 500) span.fail(outcome.error.kind, state.cause ?? outcome.error);
  }

  /** `onError(original, context)`, once per 5xx; whatever it throws or rejects is logged, never propagated. */
  private report(error: DjustException, call: DjustCall, state: CallState): void {
    const onError = this.options.onError;
    if (!onError) return;
    const context: DjustErrorContext = {
      view: state.record?.slug,
      handler: call.kind === 'mount' ? 'mount' : state.handler?.name,
      transport: call.caller.transport,
      user: state.user ?? null,
      requestId: call.requestId,
    };
    try {
      const pending = onError(state.cause ?? error, context);
      if (pending && typeof (pending as Promise<unknown>).then === 'function') {
        (pending as Promise<unknown>).then(undefined, (err: unknown) => this.logger.error(`onError failed: ${errorDetail(err)}`));
      }
    } catch (err) {
      this.logger.error(`onError failed: ${errorDetail(err)}`);
    }
  }
}
