import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type { DjustThrottlerStorage, ThrottlerStorageRecord } from './throttler-storage.interface.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';

/** Compile-time: @nestjs/throttler's storages fit ours, and ours fit theirs (a type change fails the build). */
const theirsAsOurs: DjustThrottlerStorage = new ThrottlerStorageService();
const oursAsTheirs: ThrottlerStorage = new MemoryThrottlerStorage();
type TheirRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
const sameRecord: [ThrottlerStorageRecord, TheirRecord] = [{} as TheirRecord, {} as ThrottlerStorageRecord];

describe('DjustThrottlerStorage', () => {
  it('is the @nestjs/throttler storage contract', async () => {
    const record = await theirsAsOurs.increment('k', 1000, 5, 0, 'default');
    assert.equal(record.totalHits, 1);
    assert.equal(typeof oursAsTheirs.increment, 'function');
    assert.equal(sameRecord.length, 2);
    (theirsAsOurs as unknown as { onApplicationShutdown?: () => void }).onApplicationShutdown?.();
  });
});
