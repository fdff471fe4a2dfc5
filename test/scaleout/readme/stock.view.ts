import { Injectable } from '@nestjs/common';
import { DjustPublisher, LiveView, LiveViewBase } from 'nestjs-djust';

@Injectable()
export class StockRepository {
  private readonly levels = new Map<string, number>(); // stands for your database

  constructor(private readonly publisher: DjustPublisher) {}

  async all(): Promise<Record<string, number>> {
    return Object.fromEntries(this.levels);
  }

  async set(sku: string, level: number): Promise<void> {
    this.levels.set(sku, level);
    await this.publisher.publish('stock', { sku }); // "something changed", to every process
  }
}

@LiveView()
export class StockView extends LiveViewBase {
  levels: Record<string, number> = {};

  constructor(private readonly stock: StockRepository) {
    super();
  }

  async mount() {
    // Follow first, then load: no change falls in between. On a change, read again and push.
    this.subscribe('stock', async () => {
      this.levels = await this.stock.all();
      await this.pushAssigns();
    });
    this.levels = await this.stock.all();
  }
}
