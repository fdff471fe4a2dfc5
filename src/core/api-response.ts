import { describeValue } from '../common/safe-format.util.js';

/** Options of `apiResponse()`. */
export interface ApiResponseOptions<T = unknown> {
  /** Goes into `result`; over HTTP the assigns are not diffed (`assigns: {}`). */
  result?: T;
  /** Run on `result` before serialization (e.g. to turn a model into a plain object). */
  serialize?: (result: T) => unknown;
  /** HTTP status override (e.g. 201). Ignored over WS. */
  status?: number;
}

/** The wrapper `apiResponse()` returns; recognised by the pipeline. */
export class ApiResponse<T = unknown> {
  constructor(readonly options: Readonly<ApiResponseOptions<T>>) {}

  /** The value for the envelope's `result`, with `serialize` applied. */
  resolveResult(): unknown {
    const { result, serialize } = this.options;
    return serialize ? serialize(result as T) : result;
  }
}

/**
 * Wraps a handler's return for transport-conditional responses: over HTTP the
 * `result` is returned with `assigns: {}` and the given status; over WS the ack
 * still carries the assigns diff.
 *
 * @example
 * ```ts
 * @EventHandler({ exposeApi: true })
 * async get_chart_data({ metric }: ChartDto) {
 *   const data = await this.metrics.compute(metric);
 *   if (this.httpRequest) return apiResponse({ result: data });
 *   this.chart_data = data;
 * }
 * ```
 */
export function apiResponse<T>(options: ApiResponseOptions<T>): ApiResponse<T> {
  if (options.status !== undefined && (!Number.isInteger(options.status) || options.status < 200 || options.status > 299)) {
    throw new Error(`apiResponse: status must be a 2xx integer, got ${describeValue(options.status)}`);
  }
  return new ApiResponse(options);
}
