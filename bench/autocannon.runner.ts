/**
 * A typed wrapper over autocannon's programmatic API (the package ships no types).
 */
import { createRequire } from 'node:module';

interface Percentiles {
  average: number;
  p50: number;
  p99: number;
  total?: number;
}

interface AutocannonResult {
  requests: Percentiles & { total: number };
  latency: Percentiles;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  duration: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** One load run. */
export interface LoadOptions {
  url: string;
  /** Concurrent connections (autocannon `-c`). */
  connections: number;
  /** Seconds. */
  duration: number;
  headers: Record<string, string>;
  body: string;
}

/** What one load run measured. */
export interface LoadResult {
  /** Mean requests per second. */
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors + timeouts + non-2xx answers: must be 0 for a valid run. */
  failures: number;
  statusCodes: Record<string, number>;
}

/** Drives `url` with POSTs for `duration` seconds over `connections` connections. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.duration,
    headers: options.headers,
    body: options.body,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count;
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    statusCodes,
  };
}
