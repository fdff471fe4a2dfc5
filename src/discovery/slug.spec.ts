import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slugFromClassName } from './slug.js';

describe('slugFromClassName', () => {
  it('drops a trailing View and kebab-cases', () => {
    assert.equal(slugFromClassName('OrderView'), 'order');
    assert.equal(slugFromClassName('OrderDetailView'), 'order-detail');
    assert.equal(slugFromClassName('HTTPStatusView'), 'http-status');
    assert.equal(slugFromClassName('Dashboard'), 'dashboard');
    assert.equal(slugFromClassName('View'), 'view');
    assert.equal(slugFromClassName('Order2FAView'), 'order2-fa');
  });
});
