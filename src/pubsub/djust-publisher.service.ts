import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { errorDetail } from '../common/safe-format.util.js';
import { carriesServerSideEmit } from './cluster-adapter.util.js';
import { assertTopic, TopicRegistry } from './topic.registry.js';

/** The socket.io event that carries publications between processes. */
export const PUBLISH_EVENT = 'djust:publish';

/**
 * Publishes to the views that follow a topic (`this.subscribe(topic, listener)`)
 * in every process of the app. Injectable anywhere: a controller, a job, a view.
 *
 * Delivery goes through the djust namespace's socket.io adapter
 * (`serverSideEmit`), so whichever adapter the app installs carries it —
 * `@socket.io/redis-adapter` (prefer its sharded adapter), the streams or
 * Postgres adapters. This process's own subscribers are reached directly
 * (`serverSideEmit` never delivers to the emitting process), so each
 * subscription gets each publication once. With socket.io's default
 * in-memory adapter, publications stay in this process.
 *
 * At most once: a process cut off from the broker misses what is published
 * meanwhile, so a listener should re-read the state it shows rather than
 * apply deltas.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class Orders {
 *   constructor(private readonly publisher: DjustPublisher) {}
 *   async ship(id: number) { ...; await this.publisher.publish('orders', { id }); }
 * }
 * ```
 */
@Injectable()
export class DjustPublisher {
  private readonly logger = new Logger('Djust');
  private namespace: Namespace | undefined;
  private remote = false;

  constructor(private readonly topics: TopicRegistry) {}

  /**
   * Publishes `payload` (anything JSON can carry) on `topic` to every
   * subscriber in every process. Resolves once it is handed to the adapter;
   * rejects on a payload JSON cannot carry (a cycle, a BigInt) or before the
   * app's socket.io server exists.
   */
  async publish(topic: string, payload: unknown): Promise<void> {
    assertTopic(topic);
    const json = JSON.stringify(payload) ?? 'null';
    if (!this.namespace) {
      throw new Error('nestjs-djust: DjustPublisher.publish() before the djust socket.io namespace exists (publish once the app is initialised)');
    }
    queueMicrotask(() => this.topics.deliver(topic, json));
    if (!this.remote) return;
    try {
      this.namespace.serverSideEmit(PUBLISH_EVENT, topic, json);
    } catch (err) {
      this.logger.error(`publishing to the other processes failed (the local subscribers got it): ${errorDetail(err)}`);
    }
  }

  /** Whether publications reach other processes (the namespace's adapter carries `serverSideEmit`). */
  get crossProcess(): boolean {
    return this.remote;
  }

  /** @internal Binds to the djust namespace (the WS transport calls it once, at init). */
  attach(namespace: Namespace): void {
    this.namespace = namespace;
    this.remote = carriesServerSideEmit(namespace.adapter);
    if (!this.remote) {
      this.logger.log('DjustPublisher: the socket.io adapter is in-memory, publications stay in this process (install a cluster adapter, e.g. @socket.io/redis-adapter, for several processes)');
      return;
    }
    namespace.on(PUBLISH_EVENT, (topic: unknown, json: unknown) => {
      if (typeof topic === 'string' && typeof json === 'string') this.topics.deliver(topic, json);
    });
  }
}
