import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DjustTracer } from './djust-tracer.js';

/** No tracer provider is registered in this process: tracing is off. */
describe('DjustTracer without a tracer provider', () => {
  it('is off, and runs the call directly: no span, the same result', async () => {
    const tracer = new DjustTracer();
    assert.equal(tracer.enabled, false);
    let seen: unknown = 'not called';
    const out = await tracer.run('djust x.y', {}, undefined, async (span) => {
      seen = span;
      return 42;
    });
    assert.equal(out, 42);
    assert.equal(seen, undefined);
  });

  it('is off without @opentelemetry/api at all', async () => {
    const tracer = new DjustTracer(null);
    assert.equal(tracer.enabled, false);
    assert.equal(await tracer.run('n', {}, undefined, async () => 'ok'), 'ok');
  });

  it('propagates the call’s rejection unchanged', async () => {
    const boom = new Error('boom');
    await assert.rejects(new DjustTracer().run('n', {}, undefined, () => Promise.reject(boom)), (err) => err === boom);
  });
});
