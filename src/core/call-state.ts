import type { HandlerRecord, ViewRecord } from '../discovery/view-record.interface.js';
import type { RateLimitDecision } from '../rate-limit/rate-limit-decision.interface.js';
import type { DispatchStage } from './dispatch.types.js';

/** What is known about a call as it goes through the checks: for the outcome, the logs, the span and `onError`. */
export interface CallState {
  /** The step the call is at (or failed at). */
  stage: DispatchStage;
  record?: ViewRecord;
  handler?: HandlerRecord;
  /** The authenticated user, once known (`null`: anonymous). */
  user?: unknown;
  rateLimit?: RateLimitDecision;
  /** The error a 5xx outcome was made from (what the handler threw, a timeout, a serialization failure). */
  cause?: unknown;
  /** The answer was replayed for an idempotency key: nothing ran, nothing new to report. */
  replayed?: boolean;
}
