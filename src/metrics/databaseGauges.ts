import { Gauge } from 'prom-client';
import type { Database } from '../db/connect.ts';
import { cachedDatabaseFigures } from './databaseFigures.ts';
import type { Metrics } from './registry.ts';

// Prometheus scrapes every 15–60 s; a faster scraper gets the same figures instead of more queries.
const FIGURES_MAX_AGE_MS = 5_000;

/**
 * Gauges computed when scraped, from the database every process shares: they say the same whichever
 * process (web or worker) is asked. When the database does not answer, only `gatehouse_database_up 0`
 * and the process's own metrics remain.
 */
export function registerDatabaseGauges(metrics: Metrics, database: Database): void {
  const registers = [metrics.registry];
  const figures = cachedDatabaseFigures(database, FIGURES_MAX_AGE_MS);
  new Gauge({
    name: 'gatehouse_database_up',
    help: '1 when the database answered the last scrape’s queries, 0 when it did not',
    registers,
    async collect() {
      this.set((await figures()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gatehouse_email_messages',
    help: 'Email messages by delivery state (the Email Log)',
    labelNames: ['state'],
    registers,
    async collect() {
      const read = await figures();
      this.reset();
      for (const [state, count] of read?.messagesByState ?? []) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'gatehouse_jobs',
    help: 'Background jobs (pg-boss) by queue and state: created and retry are waiting, failed gave up',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      const read = await figures();
      this.reset();
      for (const { queue, state, count } of read?.jobsByQueueAndState ?? [])
        this.set({ queue, state }, count);
    },
  });
  new Gauge({
    name: 'gatehouse_throttle_keys_blocked',
    help: 'Throttle keys (a login, an address, a member…) at their limit now (the next attempt is refused), by rule',
    labelNames: ['rule'],
    registers,
    async collect() {
      const read = await figures();
      this.reset();
      for (const [rule, count] of read?.blockedKeysByRule ?? []) this.set({ rule }, count);
    },
  });
  registerPoolGauges(metrics, database);
}

/** The database's connection pool as this process sees it (a database without a pool has no such gauges). */
function registerPoolGauges(metrics: Metrics, database: Database): void {
  const poolStatistics = database.db.poolStatistics;
  if (!poolStatistics) return;
  const registers = [metrics.registry];
  new Gauge({
    name: 'gatehouse_db_pool_connections',
    help: 'PostgreSQL pool connections of this process: total open, and idle among them',
    labelNames: ['state'],
    registers,
    collect() {
      const { total, idle } = poolStatistics();
      this.set({ state: 'total' }, total);
      this.set({ state: 'idle' }, idle);
    },
  });
  new Gauge({
    name: 'gatehouse_db_pool_waiting',
    help: 'Queries of this process waiting for a free PostgreSQL pool connection',
    registers,
    collect() {
      this.set(poolStatistics().waiting);
    },
  });
}
