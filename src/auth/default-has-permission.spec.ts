import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultHasPermission } from './default-has-permission.js';

describe('defaultHasPermission', () => {
  it('grants everything to a superuser', () => {
    assert.equal(defaultHasPermission({ isSuperuser: true }, 'a.b'), true);
    assert.equal(defaultHasPermission({ isSuperuser: 'yes' }, 'a.b'), false);
  });

  it('reads an array or a Set of permissions', () => {
    assert.equal(defaultHasPermission({ permissions: ['a.b'] }, 'a.b'), true);
    assert.equal(defaultHasPermission({ permissions: new Set(['a.b']) }, 'a.b'), true);
    assert.equal(defaultHasPermission({ permissions: ['a.c'] }, 'a.b'), false);
    assert.equal(defaultHasPermission({ permissions: 'a.b' }, 'a.b'), false);
    assert.equal(defaultHasPermission({}, 'a.b'), false);
  });

  it('denies anonymous users', () => {
    assert.equal(defaultHasPermission(null, 'a.b'), false);
    assert.equal(defaultHasPermission(undefined, 'a.b'), false);
  });
});
