import { Injectable, Module } from '@nestjs/common';
import { DjustModule, DjustPublisher, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';
import { TestTokenAuth } from '../support/token-auth.js';

/** What a listener saw (shared across views). */
@Injectable()
export class Seen {
  readonly payloads: unknown[] = [];
}

/** Follows `news` in mount: the last payload becomes an assign, pushed to the client. */
@LiveView({ apiName: 'feed', authClasses: [TestTokenAuth] })
export class FeedView extends LiveViewBase {
  last: unknown = null;
  received = 0;
  private _stop?: () => void;

  constructor(private readonly seen: Seen) {
    super();
  }

  mount(params: { failing?: boolean }) {
    if (params.failing) {
      this.subscribe('news', () => {
        throw new Error('a listener that throws');
      });
    }
    this._stop = this.subscribe<{ n: number }>('news', async (payload) => {
      this.seen.payloads.push(payload);
      this.last = payload;
      this.received++;
      await this.pushAssigns();
    });
  }

  @EventHandler()
  stop() {
    this._stop?.();
    return 'stopped';
  }

  /** Over HTTP, subscribe is a no-op (the instance lives for one call). */
  @EventHandler({ exposeApi: true })
  http_subscribe() {
    const unsubscribe = this.subscribe('news', () => undefined);
    unsubscribe();
    return typeof unsubscribe;
  }
}

/** Publishes from an ordinary provider (a job, a service). */
@Injectable()
export class NewsService {
  constructor(readonly publisher: DjustPublisher) {}
}

@Module({
  imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth] })],
  providers: [TestTokenAuth, Seen, NewsService, FeedView],
})
export class PubSubModule {}
