import { Module } from '@nestjs/common';
import { IsInt, IsNumber, IsOptional } from 'class-validator';
import { DjustModule, DjustPublisher, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';
import { TestTokenAuth } from '../support/token-auth.js';

/** The topic every feed view follows. */
export const FANOUT_TOPIC = 'fanout';

/** One publication: a sequence number, and when it was published (ms, `performance.timeOrigin + performance.now()`). */
export interface FanoutNews {
  n: number;
  sentAt: number;
}

/**
 * Follows {@link FANOUT_TOPIC}: every publication becomes one push of the
 * assigns `last` (the publication) and `count` (how many this view got).
 * Pushes are sent one after the other, so two publications close together
 * are still two pushes, each with its own `last`.
 */
@LiveView({ apiName: 'feed' })
export class FeedView extends LiveViewBase {
  last: FanoutNews | null = null;
  count = 0;
  private _pushes: Promise<void> = Promise.resolve();

  mount(): void {
    this.subscribe<FanoutNews>(FANOUT_TOPIC, (news) => {
      this._pushes = this._pushes.then(async () => {
        this.last = news;
        this.count++;
        await this.pushAssigns();
      });
      return this._pushes;
    });
  }
}

class PublishDto {
  @IsInt() n!: number;
  @IsOptional() @IsNumber() sentAt?: number;
}

/** Publishes from an HTTP call (or a WS event): `POST /djust/api/publisher/publish/ {"n": 1}`. */
@LiveView({ apiName: 'publisher' })
export class PublisherView extends LiveViewBase {
  constructor(private readonly publisher: DjustPublisher) {
    super();
  }

  @EventHandler({ exposeApi: true })
  async publish({ n, sentAt }: PublishDto): Promise<{ n: number; crossProcess: boolean }> {
    await this.publisher.publish(FANOUT_TOPIC, { n, sentAt: sentAt ?? performance.timeOrigin + performance.now() } satisfies FanoutNews);
    return { n, crossProcess: this.publisher.crossProcess };
  }
}

/** Token auth (`Bearer token-alice`), no per-caller socket quota: one test user holds a thousand sockets. */
@Module({
  imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth], ws: { maxSocketsPerCaller: 0, eventsPerSecond: 0 } })],
  providers: [TestTokenAuth, FeedView, PublisherView],
})
export class FanoutModule {}
