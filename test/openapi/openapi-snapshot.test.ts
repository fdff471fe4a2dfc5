import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenApiDocument } from '../../src/openapi/openapi-document.factory.js';
import { fixtureViews } from './fixtures/djust-views.fixture.js';
import { lineDiff, matchSnapshot } from './support/snapshot.js';

describe('OpenAPI document snapshot', () => {
  it('matches the committed snapshot of the fixture document (the failure shows the diff)', () => {
    const { document, warnings } = createOpenApiDocument(fixtureViews(), { prefix: 'djust', title: 'Fixture', version: '1.0.0' });
    matchSnapshot('fixture-document', { document, warnings });
  });

  it('shows a readable diff', () => {
    const diff = lineDiff('a\nb\nc\nd\ne\nf\ng\nh', 'a\nb\nc\nX\ne\nf\ng\nh');
    assert.equal(diff, '  b\n  c\n- d\n+ X\n  e\n  f\n  ...');
  });
});
