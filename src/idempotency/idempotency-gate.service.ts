import { Logger } from '@nestjs/common';
import { errorDetail } from '../common/safe-format.util.js';
import { idempotencyKeyInUse, idempotencyKeyMismatch, idempotencyUnavailable } from '../protocol/wire-errors.js';
import type { DjustIdempotencyStore, IdempotencyClaim, StoredOutcome } from './idempotency-store.interface.js';
import { paramsFingerprint, scopeKey, type IdempotencyScope } from './idempotency-key.util.js';

/** How long answers are kept and keys held. */
export interface IdempotencyTimes {
  /** How long an answer is kept, ms. */
  readonly ttl: number;
  /** How long a running call holds its key at most, ms. */
  readonly lockTtl: number;
}

/** An answer and whether it was replayed from the store (the handler did not run). */
export interface IdempotentOutcome {
  readonly outcome: StoredOutcome;
  readonly replayed: boolean;
}

/**
 * The exactly-once stage of the dispatch, for a call that carries an
 * idempotency key: claims (caller, view, handler, key) in the store; the
 * first call runs and its answer is kept for `ttl`; the same call again gets
 * that answer without running. The same key with other params is 422, while
 * the first call still runs 409; a store that fails is 503 and nothing runs.
 * Keeping the answer is best effort: if the store fails then, the caller still
 * gets it and the failure is logged (a retry would run again).
 */
export class IdempotencyGate {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly store: DjustIdempotencyStore,
    private readonly times: IdempotencyTimes,
  ) {}

  /**
   * Runs `run` at most once per scope: `run` must not throw (a failure is an
   * outcome with `ok: false`); if it does, the key is freed and the error
   * goes on.
   */
  async once(scope: IdempotencyScope, params: unknown, run: () => Promise<StoredOutcome>): Promise<IdempotentOutcome> {
    const key = scopeKey(scope);
    const fingerprint = paramsFingerprint(params);
    const claim = await this.claim(key, fingerprint, scope);
    if (claim.status !== 'claimed') {
      if (claim.fingerprint !== fingerprint) throw idempotencyKeyMismatch();
      if (claim.status === 'running') throw idempotencyKeyInUse();
      return { outcome: claim.outcome, replayed: true };
    }
    let outcome: StoredOutcome;
    try {
      outcome = await run();
    } catch (err) {
      await this.store.release(key, claim.token).catch((cause: unknown) => this.logger.error(`idempotency: could not free a key: ${errorDetail(cause)}`));
      throw err;
    }
    try {
      await this.store.complete(key, claim.token, fingerprint, outcome, this.times.ttl);
    } catch (err) {
      this.logger.error(`idempotency: the answer of ${scope.view}.${scope.handler} could not be kept (a retry will run it again): ${errorDetail(err)}`);
    }
    return { outcome, replayed: false };
  }

  private async claim(key: string, fingerprint: string, scope: IdempotencyScope): Promise<IdempotencyClaim> {
    try {
      return await this.store.claim(key, fingerprint, this.times.lockTtl);
    } catch (err) {
      this.logger.error(`idempotency: the store failed for ${scope.view}.${scope.handler}: ${errorDetail(err)}`);
      throw idempotencyUnavailable();
    }
  }
}
