import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import { packageRequire } from '../common/package-require.js';
import type { TraceParent } from './traceparent.util.js';

type OtelApi = typeof import('@opentelemetry/api');

/** The name under which the library's spans are created (the instrumentation scope). */
export const TRACER_NAME = 'nestjs-djust';

/** One span of a call, while it runs. */
export interface CallSpan {
  /** Renames the span (once the view and handler are known). */
  rename(name: string): void;
  /** Adds attributes. */
  set(attributes: Attributes): void;
  /** Marks the span as failed (a 5xx), recording the original error. */
  fail(kind: string, error: unknown): void;
}

/**
 * OpenTelemetry through `@opentelemetry/api` only — an optional peer; the
 * library ships no SDK. When the API is not installed, or no tracer provider
 * has been registered, {@link run} calls its function directly: no span, no
 * context, no allocation, so tracing costs nothing measurable when off.
 */
export class DjustTracer {
  private readonly api: OtelApi | undefined;
  private readonly noop: unknown;
  private tracer: Tracer | undefined;

  /** `api`: the OpenTelemetry API, `null` for none; default: loaded if installed. */
  constructor(api?: OtelApi | null) {
    this.api = api === null ? undefined : (api ?? loadApi());
    this.noop = this.api ? new this.api.ProxyTracerProvider().getDelegate() : undefined;
  }

  /** Whether a tracer provider is registered now (an SDK was set up). */
  get enabled(): boolean {
    if (!this.api) return false;
    const provider = this.api.trace.getTracerProvider() as { getDelegate?: () => unknown };
    return (typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider) !== this.noop;
  }

  /**
   * Runs `fn` inside an active server span named `name`, child of `parent`
   * when given (a remote W3C parent), else of the active context. Without a
   * provider, runs `fn(undefined)`.
   */
  run<T>(name: string, attributes: Attributes, parent: TraceParent | undefined, fn: (span: CallSpan | undefined) => Promise<T>): Promise<T> {
    if (!this.enabled) return fn(undefined);
    const api = this.api!;
    const tracer = (this.tracer ??= api.trace.getTracer(TRACER_NAME));
    const context = parent ? api.trace.setSpanContext(api.context.active(), { ...parent, isRemote: true }) : api.context.active();
    return tracer.startActiveSpan(name, { kind: api.SpanKind.SERVER, attributes }, context as Context, async (span: Span) => {
      try {
        return await fn(wrap(api, span));
      } finally {
        span.end();
      }
    });
  }
}

function wrap(api: OtelApi, span: Span): CallSpan {
  return {
    rename: (name) => void span.updateName(name),
    set: (attributes) => void span.setAttributes(attributes),
    fail: (kind, error) => {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: kind });
      if (error instanceof Error) span.recordException(error);
    },
  };
}

function loadApi(): OtelApi | undefined {
  try {
    return packageRequire('@opentelemetry/api') as OtelApi;
  } catch {
    return undefined;
  }
}
