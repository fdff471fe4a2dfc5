import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_IDEMPOTENCY_MAX_ENTRIES, MemoryIdempotencyStore } from './memory-idempotency.store.js';
import type { StoredOutcome } from './idempotency-store.interface.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const OK: StoredOutcome = { ok: true, result: { paid: true }, assigns: {} };

describe('MemoryIdempotencyStore', () => {
  it('claim → running for others → complete → done with the answer', async () => {
    const store = new MemoryIdempotencyStore({ clock: manualClock() });
    const claim = await store.claim('k', 'fp', 1_000);
    assert.equal(claim.status, 'claimed');
    assert.deepEqual(await store.claim('k', 'fp2', 1_000), { status: 'running', fingerprint: 'fp' });
    await store.complete('k', (claim as { token: string }).token, 'fp', OK, 10_000);
    assert.deepEqual(await store.claim('k', 'fp', 1_000), { status: 'done', fingerprint: 'fp', outcome: OK });
  });

  it('the answer expires after ttl; a hold after lockTtl (a run that never completed)', async () => {
    const clock = manualClock();
    const store = new MemoryIdempotencyStore({ clock });
    const claim = (await store.claim('k', 'fp', 500)) as { token: string };
    clock.advance(499);
    assert.equal((await store.claim('k', 'fp', 500)).status, 'running');
    clock.advance(1);
    const again = await store.claim('k', 'fp', 500);
    assert.equal(again.status, 'claimed', 'the hold ran out');
    await store.complete('k', claim.token, 'fp', OK, 10_000);
    assert.equal((await store.claim('k', 'fp', 500)).status, 'running', 'a stale claim does not overwrite the new holder');
    await store.complete('k', (again as { token: string }).token, 'fp', OK, 10_000);
    clock.advance(9_999);
    assert.equal((await store.claim('k', 'fp', 500)).status, 'done');
    clock.advance(1);
    assert.equal((await store.claim('k', 'fp', 500)).status, 'claimed', 'the answer expired');
  });

  it('release frees a held key (only with its own token)', async () => {
    const store = new MemoryIdempotencyStore({ clock: manualClock() });
    const claim = (await store.claim('k', 'fp', 1_000)) as { token: string };
    await store.release('k', 'another-token');
    assert.equal((await store.claim('k', 'fp', 1_000)).status, 'running');
    await store.release('k', claim.token);
    assert.equal((await store.claim('k', 'fp', 1_000)).status, 'claimed');
  });

  it('of many claims of one free key at once, exactly one is claimed', async () => {
    const store = new MemoryIdempotencyStore({ clock: manualClock() });
    const claims = await Promise.all(Array.from({ length: 100 }, () => store.claim('k', 'fp', 1_000)));
    assert.equal(claims.filter((c) => c.status === 'claimed').length, 1);
  });

  it('stays bounded under 1 000 000 distinct keys (the default cap), and still answers', async () => {
    const store = new MemoryIdempotencyStore({ clock: manualClock() });
    for (let i = 0; i < 1_000_000; i++) {
      const claim = (await store.claim(`key-${i}`, 'fp', 60_000)) as { token: string };
      await store.complete(`key-${i}`, claim.token, 'fp', OK, 60_000);
    }
    assert.ok(store.size <= DEFAULT_IDEMPOTENCY_MAX_ENTRIES, `size ${store.size}`);
    assert.equal((await store.claim('key-999999', 'fp', 60_000)).status, 'done', 'the newest keys are kept');
    assert.equal((await store.claim('key-0', 'fp', 60_000)).status, 'claimed', 'the oldest were dropped');
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    assert.throws(() => new MemoryIdempotencyStore({ maxEntries: 0 }), /maxEntries must be a positive integer/);
  });
});
