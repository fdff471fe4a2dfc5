import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTraceparent } from './traceparent.util.js';

describe('parseTraceparent (W3C Trace Context)', () => {
  it('reads version 00', () => {
    assert.deepEqual(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
  });

  it('accepts a later version with extra fields (forward compatible)', () => {
    assert.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra')?.traceFlags, 0);
  });

  it('refuses what the spec refuses, and anything that is not a string', () => {
    for (const bad of [
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      'garbage',
      '',
      'x'.repeat(600),
      42,
      { toString: 1 },
      undefined,
    ]) {
      assert.equal(parseTraceparent(bad), undefined, String(typeof bad === 'string' ? bad.slice(0, 60) : typeof bad));
    }
  });
});
