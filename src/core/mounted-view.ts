import { VIEW_CONTEXT } from '../djust.internal-constants.js';
import type { ViewRecord } from '../discovery/view-record.interface.js';
import type { LiveViewBase, ViewContext } from '../live-view.base.js';
import type { AuthResult, CallContext } from '../protocol/call-context.js';
import type { AssignsSnapshot } from '../serialization/assigns.js';

/**
 * A view mounted on a socket: a stateful instance, the caller it was mounted
 * for, and the assigns its client last saw (the diff baseline). Work on one
 * view — events and pushes — runs one at a time.
 */
export class MountedView {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly ref: string,
    readonly record: ViewRecord,
    readonly view: LiveViewBase,
    readonly auth: AuthResult,
    readonly caller: CallContext,
    /** The assigns as last sent to the client (updated in place by each diff). */
    readonly baseline: AssignsSnapshot,
  ) {}

  /** Runs `fn` after everything queued on this view before it (whether that succeeded or not). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /**
   * Cuts the instance off its socket (it is gone, or the view unmounted):
   * `this.pushAssigns()` and `this.subscribe()` do nothing from now on. The
   * instance itself may outlive the socket (a timer it forgot).
   */
  detach(): void {
    const context = (this.view as unknown as Record<symbol, ViewContext | undefined>)[VIEW_CONTEXT];
    if (context) {
      context.push = undefined;
      context.subscribe = undefined;
    }
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
