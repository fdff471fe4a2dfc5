import { Logger } from '@nestjs/common';
import { EventHandler, LiveView, LiveViewBase, PermissionRequired, RateLimit, SessionAuth, apiResponse } from '../../src/index.js';
import { TokenAuth } from '../auth/token-auth.js';
import { ChartDto } from './order.dto.js';
import { CHART_METRICS, ORDERS_TOPIC, ORDER_PERMISSIONS, type ChartData, type ChartMetric } from './order.model.js';
import { OrderRepository } from './order.repository.js';

/**
 * The seed's transport-conditional handler: `get_chart_data` answers an HTTP
 * caller with the data itself (`apiResponse`), and sets assigns for a socket
 * (the page re-renders from the diff). Accepts a bearer token or a session.
 */
@LiveView({ authClasses: [TokenAuth, SessionAuth] })
@PermissionRequired(ORDER_PERMISSIONS.view)
export class ChartView extends LiveViewBase {
  /** Assign: the metric shown. */
  metric: ChartMetric = 'orders_by_status';
  /** Assign: the data shown. */
  chart_data: ChartData | null = null;

  private _live = false;
  private _reloads = 0;

  constructor(private readonly repo: OrderRepository) {
    super();
  }

  /**
   * WS mount (`params.metric` optional): follow the order changes (in every
   * process) until the view goes, then compute the chart; a computation that
   * a change overtook runs again.
   */
  async mount(params: { metric?: unknown }): Promise<void> {
    if (CHART_METRICS.includes(params.metric as ChartMetric)) this.metric = params.metric as ChartMetric;
    this._live = true;
    this.subscribe(ORDERS_TOPIC, () => this.reload());
    let seq: number;
    do {
      seq = ++this._reloads;
      this.chart_data = await this.repo.chart(this.metric);
    } while (seq !== this._reloads);
  }

  /** HTTP calls compute what they are asked, nothing more. */
  apiMount(): void {}

  /** Called by the gateway on `unmount` and on disconnect: a reload still running is dropped. */
  unmount(): void {
    this._live = false;
  }

  @EventHandler({ exposeApi: true, description: 'Chart data for a metric. HTTP callers get the data as `result`; sockets get it as the `chart_data` assign.' })
  @RateLimit({ limit: 120, ttl: 60_000 })
  async get_chart_data({ metric }: ChartDto) {
    const data = await this.repo.chart(metric);
    if (this.httpRequest) {
      // Plain HTTP caller wants the raw data.
      return apiResponse({ result: data });
    }
    // WebSocket caller: let djust send the changed assigns.
    this.metric = metric;
    this.chart_data = data;
  }

  private async reload(): Promise<void> {
    const seq = ++this._reloads;
    try {
      const data = await this.repo.chart(this.metric);
      if (seq !== this._reloads || !this._live) return;
      this.chart_data = data;
      await this.pushAssigns();
    } catch (err) {
      new Logger('ChartView').warn(`could not refresh the chart: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
