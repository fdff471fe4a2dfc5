import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimitHeaders } from './rate-limit-headers.util.js';

describe('rateLimitHeaders', () => {
  it('emits the IETF draft fields for an allowed call', () => {
    assert.deepEqual(rateLimitHeaders({ allowed: true, limit: 10, remaining: 7, resetSeconds: 42 }), {
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '7',
      'RateLimit-Reset': '42',
    });
  });

  it('adds an integer Retry-After ≥ 1 when refused', () => {
    assert.deepEqual(rateLimitHeaders({ allowed: false, limit: 10, remaining: 0, resetSeconds: 5, retryAfterSeconds: 5 }), {
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '5',
      'Retry-After': '5',
    });
    assert.equal(rateLimitHeaders({ allowed: false, limit: 1, remaining: 0, resetSeconds: 0 })['Retry-After'], '1');
    assert.equal(rateLimitHeaders({ allowed: false, limit: 1, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0.2 })['Retry-After'], '1');
    assert.equal(rateLimitHeaders({ allowed: false, limit: 1, remaining: 0, resetSeconds: 3, retryAfterSeconds: 2.1 })['Retry-After'], '3');
  });

  it('never reports a negative remaining', () => {
    assert.equal(rateLimitHeaders({ allowed: true, limit: 1, remaining: -3, resetSeconds: 1 })['RateLimit-Remaining'], '0');
  });
});
