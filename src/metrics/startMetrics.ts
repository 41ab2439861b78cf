import type { App } from '../app.ts';
import { onThrottleRefusal } from '../domain/auth/throttle.ts';
import { registerDatabaseGauges } from './databaseGauges.ts';
import { type MetricsServer, serveMetrics } from './metricsServer.ts';
import { createMetrics, type Metrics } from './registry.ts';

/** METRICS_PORT set: this process's metrics, served on 127.0.0.1:METRICS_PORT/metrics. */
export async function startMetrics(
  app: App,
  port: number,
): Promise<{ metrics: Metrics; server: MetricsServer }> {
  const metrics = createMetrics();
  registerDatabaseGauges(metrics, app.database);
  const stopCounting = onThrottleRefusal((rule) => metrics.throttleRefusals.inc({ rule }));
  const listener = await serveMetrics(metrics.registry, port);
  app.logger.info(`metrics on ${listener.url}`);
  const server: MetricsServer = {
    url: listener.url,
    close: async () => {
      stopCounting();
      await listener.close();
    },
  };
  return { metrics, server };
}
