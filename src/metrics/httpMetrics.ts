import type { FastifyInstance } from 'fastify';
import type { Metrics } from './registry.ts';

/** The label of requests no route matched (404s for made-up paths): one series, whatever was asked. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every answer by its route *pattern* (`/invite/:token`), never the path itself: paths
 * carry invitation and reset tokens, and labels are stored and shown to whoever reads the metrics.
 */
export function recordHttpMetrics(server: FastifyInstance, metrics: Metrics): void {
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = String(reply.statusCode);
    metrics.httpDuration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
    // Every throttle the visitor is told about answers 429 (errors.ts `rate_limited`); the silent ones
    // (fresh link, forgot password) show in gatehouse_throttle_keys_blocked instead.
    if (reply.statusCode === 429) metrics.httpThrottled.inc({ route });
  });
}
