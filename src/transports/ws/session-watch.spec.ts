import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionWatch } from './session-watch.js';

/** An express-session-like session over a Map store: `reload` replaces `request.session`. */
function sessionRequest(data: Record<string, unknown>) {
  const store = new Map<string, Record<string, unknown>>([['sid', data]]);
  let reloads = 0;
  const request: { session?: any } = {};
  const make = (d: Record<string, unknown>) => ({
    ...structuredClone(d),
    reload(cb: (err?: unknown) => void) {
      reloads++;
      setImmediate(() => {
        const current = store.get('sid');
        if (!current) return cb(new Error('failed to load session'));
        request.session = make(current);
        cb();
      });
    },
  });
  request.session = make(data);
  return { request, store, reloads: () => reloads };
}

describe('SessionWatch', () => {
  const now = () => Date.parse('2030-01-01T00:00:00Z');

  it('is not needed without a reloadable session holding a user', () => {
    assert.equal(SessionWatch.of(undefined, now), undefined);
    assert.equal(SessionWatch.of({}, now), undefined);
    assert.equal(SessionWatch.of({ session: { user: { id: 1 } } }, now), undefined, 'no reload()');
    assert.equal(SessionWatch.of(sessionRequest({}).request, now), undefined, 'anonymous session');
  });

  it('stays alive while the same user is in the session; concurrent checks share one store read', async () => {
    const s = sessionRequest({ user: { id: 7, lastSeen: 1 } });
    const watch = SessionWatch.of(s.request, now)!;
    s.store.set('sid', { user: { id: 7, lastSeen: 2 } });
    assert.deepEqual(await Promise.all([watch.check(), watch.check(), watch.check()]), [true, true, true]);
    assert.equal(s.reloads(), 1);
    assert.equal(await watch.check(), true);
    assert.equal(s.reloads(), 2);
  });

  it('ends for good on a destroyed session, another user, a logout or an expired cookie', async () => {
    const destroyed = sessionRequest({ passport: { user: 'u1' } });
    const w1 = SessionWatch.of(destroyed.request, now)!;
    destroyed.store.delete('sid');
    assert.equal(await w1.check(), false);
    destroyed.store.set('sid', { passport: { user: 'u1' } });
    assert.equal(await w1.check(), false, 'never comes back');

    const swapped = sessionRequest({ passport: { user: 'u1' } });
    const w2 = SessionWatch.of(swapped.request, now)!;
    swapped.store.set('sid', { passport: { user: 'u2' } });
    assert.equal(await w2.check(), false);

    const loggedOut = sessionRequest({ user: { id: 'a' } });
    const w3 = SessionWatch.of(loggedOut.request, now)!;
    loggedOut.store.set('sid', { user: null });
    assert.equal(await w3.check(), false);

    const expired = sessionRequest({ user: { id: 'a' }, cookie: { expires: '2029-12-31T23:59:59Z' } });
    const w4 = SessionWatch.of(expired.request, now)!;
    assert.equal(await w4.check(), false);
    assert.equal(expired.reloads(), 0, 'no store read for an expired cookie');
  });

  it('treats a throwing reload as an ended session', async () => {
    const request = { session: { user: { id: 1 }, reload: () => { throw new Error('store down'); } } };
    assert.equal(await SessionWatch.of(request, now)!.check(), false);
  });
});
