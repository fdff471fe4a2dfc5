import { IsString } from 'class-validator';
import { EventHandler, LiveView, LiveViewBase, apiResponse } from 'nestjs-djust';

export class ChartDto {
  @IsString() metric!: string;
}

@LiveView()
export class ChartView extends LiveViewBase {
  chart_data: number[] = [];

  @EventHandler({ exposeApi: true })
  get_chart_data({ metric }: ChartDto) {
    const data = metric === 'orders' ? [3, 1, 4, 1, 5] : [];
    if (this.httpRequest) {
      return apiResponse({ result: data }); // plain HTTP caller wants the raw data
    }
    this.chart_data = data; // WebSocket caller: the assigns diff carries it
    return null;
  }
}
