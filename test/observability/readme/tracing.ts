import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Call once, before `NestFactory.create()`: from then on every djust call is a span. */
export function startTracing(exporter: SpanExporter): NodeTracerProvider {
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register(); // the global provider, the async context and the W3C propagator
  return provider;
}
