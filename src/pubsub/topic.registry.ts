import { Injectable, Logger } from '@nestjs/common';
import { describeValue, errorDetail } from '../common/safe-format.util.js';

/** A subscription's listener: gets the published payload (a fresh copy per listener). */
export type TopicListener = (payload: any) => unknown;

/** Most topics one view may follow at once (a view that subscribes in a loop must not grow memory without bound). */
export const MAX_SUBSCRIPTIONS_PER_VIEW = 100;

interface Subscription {
  readonly topic: string;
  readonly listener: TopicListener;
  readonly owner: object;
}

/**
 * The subscriptions of this process's mounted views, by topic. Delivery is
 * one call per subscription, each with its own parsed copy of the payload;
 * a listener that throws or rejects is logged and harms no other listener
 * and no publisher.
 */
@Injectable()
export class TopicRegistry {
  private readonly logger = new Logger('Djust');
  private readonly byTopic = new Map<string, Set<Subscription>>();
  private readonly byOwner = new WeakMap<object, Set<Subscription>>();

  /** Subscribes `listener` to `topic` for `owner` (a mounted view); returns the unsubscribe function. */
  subscribe(owner: object, topic: string, listener: TopicListener): () => void {
    assertTopic(topic);
    if (typeof listener !== 'function') throw new TypeError('nestjs-djust: subscribe(topic, listener) needs a listener function');
    const owned = this.byOwner.get(owner) ?? new Set<Subscription>();
    if (owned.size >= MAX_SUBSCRIPTIONS_PER_VIEW) {
      throw new Error(`nestjs-djust: a view may follow at most ${MAX_SUBSCRIPTIONS_PER_VIEW} subscriptions at once; unsubscribe first`);
    }
    this.byOwner.set(owner, owned);
    const subscription: Subscription = { topic, listener, owner };
    owned.add(subscription);
    const set = this.byTopic.get(topic) ?? new Set<Subscription>();
    set.add(subscription);
    this.byTopic.set(topic, set);
    return () => this.remove(subscription);
  }

  /** Ends every subscription of `owner` (its view was unmounted or its socket closed). */
  drop(owner: object): void {
    for (const subscription of [...(this.byOwner.get(owner) ?? [])]) this.remove(subscription);
    this.byOwner.delete(owner);
  }

  /** Subscriptions in this process (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.byTopic.values()) n += set.size;
    return n;
  }

  /** Delivers a published payload (its JSON) to every subscription of `topic` in this process. */
  deliver(topic: string, json: string): void {
    const set = this.byTopic.get(topic);
    if (!set) return;
    for (const subscription of [...set]) {
      try {
        const pending = subscription.listener(JSON.parse(json));
        if (pending && typeof (pending as Promise<unknown>).then === 'function') {
          (pending as Promise<unknown>).then(undefined, (err: unknown) => this.failed(topic, err));
        }
      } catch (err) {
        this.failed(topic, err);
      }
    }
  }

  private remove(subscription: Subscription): void {
    const set = this.byTopic.get(subscription.topic);
    set?.delete(subscription);
    if (set?.size === 0) this.byTopic.delete(subscription.topic);
    this.byOwner.get(subscription.owner)?.delete(subscription);
  }

  private failed(topic: string, err: unknown): void {
    this.logger.error(`a listener of the topic ${describeValue(topic)} failed: ${errorDetail(err)}`);
  }
}

/** Topics are short non-empty strings. */
export function assertTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 256) {
    throw new TypeError(`nestjs-djust: a topic is a non-empty string of at most 256 characters, got ${describeValue(topic)}`);
  }
}
