import { Injectable } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { EventHandler, LiveView, LiveViewBase, PermissionRequired, RateLimit } from 'nestjs-djust';

export class IncrementDto {
  @IsInt() @Min(1) @Max(100) by!: number;
}

/** Counts the increments of the whole app (a DI dependency of the view). */
@Injectable()
export class IncrementLog {
  total = 0;
}

@LiveView()
export class CounterView extends LiveViewBase {
  count = 0; // a public assign

  constructor(private readonly log: IncrementLog) {
    super();
  }

  @EventHandler({ exposeApi: true, description: 'Add `by` to the counter.' })
  @PermissionRequired('counter.increment')
  @RateLimit({ limit: 100, ttl: 60_000 })
  increment({ by }: IncrementDto) {
    this.count += by;
    this.log.total += by;
    return { count: this.count, transport: this.transport };
  }
}
