import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The metrics one process exposes on METRICS_PORT; each process (web, worker) has its own. */
export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  httpThrottled: Counter<'route'>;
  throttleRefusals: Counter<'rule'>;
};

// From a fast page (a few ms) to a slow upload or report (tens of seconds).
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * A registry of its own rather than prom-client's global one: tests build several apps in one process,
 * and a global registry would refuse the second set of names.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status code (_count = requests)',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    httpThrottled: new Counter({
      name: 'gatehouse_http_throttled_total',
      help: 'Requests refused with 429 (a throttle or the public-form flood limit), by route pattern',
      labelNames: ['route'],
      registers: [registry],
    }),
    throttleRefusals: new Counter({
      name: 'gatehouse_throttled_attempts_total',
      help: 'Attempts a throttle refused in this process, by rule (including the silent ones that answer 200)',
      labelNames: ['rule'],
      registers: [registry],
    }),
  };
}
