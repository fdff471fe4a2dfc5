import { Global, Module } from '@nestjs/common';
import { IsInt } from 'class-validator';
import {
  DjustModule,
  EventHandler,
  LiveView,
  LiveViewBase,
  MemoryIdempotencyStore,
  PermissionRequired,
  RateLimit,
  type DjustIdempotencyStore,
  type DjustModuleOptions,
  type IdempotencyClaim,
  type StoredOutcome,
} from '../../src/index.js';
import { DJUST_CLOCK } from '../../src/djust.internal-constants.js';
import type { DjustClock } from '../../src/common/clock.js';
import { Gate, WsTokenAuth } from '../gateway/gateway.fixture.js';

export class ChargeDto {
  @IsInt() amount!: number;
}

/** What the views did, and what the tests drive: runs per handler, the slow handler's gates, `onError` reports. */
export class IdempotencyLedger {
  readonly runs = new Map<string, number>();
  readonly reported: unknown[] = [];
  /** `slow` waits on this gate... */
  gate = new Gate();
  /** ...and opens this one when it starts. */
  entered = new Gate();

  run(handler: string): number {
    const n = (this.runs.get(handler) ?? 0) + 1;
    this.runs.set(handler, n);
    return n;
  }

  count(handler: string): number {
    return this.runs.get(handler) ?? 0;
  }

  /** New gates for the next slow call. */
  reset(): void {
    this.gate = new Gate();
    this.entered = new Gate();
  }
}

/** The memory store, counting claims, and failing on demand (a store that is down). */
export class CountingStore implements DjustIdempotencyStore {
  claims = 0;
  failing = false;
  /** Every claim's answer, in order. */
  readonly answers: IdempotencyClaim['status'][] = [];
  private readonly waiters: { status: IdempotencyClaim['status']; count: number; resolve: () => void }[] = [];

  constructor(readonly inner: MemoryIdempotencyStore) {}

  async claim(key: string, fingerprint: string, lockTtl: number): Promise<IdempotencyClaim> {
    if (this.failing) throw new Error('the store is down');
    this.claims++;
    const claim = await this.inner.claim(key, fingerprint, lockTtl);
    this.answers.push(claim.status);
    for (const w of [...this.waiters]) {
      if (this.answers.filter((s) => s === w.status).length < w.count) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
    return claim;
  }

  /** Resolves once `count` claims in all have answered `status`. */
  until(status: IdempotencyClaim['status'], count: number): Promise<void> {
    if (this.answers.filter((s) => s === status).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ status, count, resolve }));
  }

  complete(key: string, token: string, fingerprint: string, outcome: StoredOutcome, ttl: number): Promise<void> {
    return this.inner.complete(key, token, fingerprint, outcome, ttl);
  }

  release(key: string, token: string): Promise<void> {
    return this.inner.release(key, token);
  }
}

/** Token auth (`u:<id>:<perms>`), over HTTP, WS and MCP alike. */
@LiveView({ apiName: 'pay', authClasses: [WsTokenAuth] })
export class PayView extends LiveViewBase {
  total = 0;

  constructor(private readonly ledger: IdempotencyLedger) {
    super();
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  charge({ amount }: ChargeDto) {
    this.total += amount;
    return { amount, run: this.ledger.run('charge') };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  async slow({ amount }: ChargeDto) {
    this.ledger.entered.open();
    await this.ledger.gate.promise;
    return { amount, run: this.ledger.run('slow') };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @PermissionRequired('pay.refund')
  refund({ amount }: ChargeDto) {
    return { refunded: amount, run: this.ledger.run('refund') };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  @RateLimit({ limit: 1, ttl: 60_000 })
  once() {
    return { run: this.ledger.run('once') };
  }

  @EventHandler({ exposeApi: true, exposeMcp: true })
  boom() {
    this.ledger.run('boom');
    throw new Error('card declined (secret)');
  }
}

/** The answers are kept this long in the tests, ms. */
export const TEST_TTL = 60_000;

/** The app: the pay view, the counting store over a memory store on `clock`, `onError` into the ledger. */
export function idempotencyModule(ledger: IdempotencyLedger, store: DjustIdempotencyStore, clock: DjustClock, options: DjustModuleOptions = {}) {
  @Global()
  @Module({ providers: [{ provide: DJUST_CLOCK, useValue: clock }, { provide: IdempotencyLedger, useValue: ledger }], exports: [DJUST_CLOCK, IdempotencyLedger] })
  class IdempotencyGlobals {}

  @Module({
    imports: [
      IdempotencyGlobals,
      DjustModule.forRoot({
        authClasses: [WsTokenAuth],
        idempotency: { store, ttl: TEST_TTL },
        onError: (error) => void ledger.reported.push(error),
        ...options,
      }),
    ],
    providers: [WsTokenAuth, PayView],
  })
  class IdempotencyModule {}
  return IdempotencyModule;
}
