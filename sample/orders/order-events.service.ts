import { Injectable, Logger } from '@nestjs/common';
import type { OrderChange } from './order.model.js';

/** A change listener. */
export type OrderChangeListener = (change: OrderChange) => void;

/**
 * In-process notifications of order changes. The repository emits after every
 * write, whoever made it (a WS event, an HTTP call, a token client); mounted
 * views subscribe in `mount` and unsubscribe in `unmount`, so every open page
 * follows every change.
 *
 * One process only: with several instances behind a load balancer, relay the
 * changes through PostgreSQL `LISTEN/NOTIFY` or Redis pub/sub instead.
 */
@Injectable()
export class OrderEvents {
  private readonly logger = new Logger('OrderEvents');
  private readonly listeners = new Set<OrderChangeListener>();

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: OrderChangeListener): () => void {
    // A wrapper per subscription, so one function subscribed twice is two subscriptions.
    const entry: OrderChangeListener = (change) => listener(change);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Announces a change to every subscriber; a throwing subscriber does not stop the others. */
  emit(change: OrderChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.logger.error(`an order-change listener threw: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
  }

  /** How many subscriptions are open (one per mounted view). */
  get subscriberCount(): number {
    return this.listeners.size;
  }
}
