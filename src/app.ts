import type { Logger } from 'pino';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type Database, openPglite, openPostgres } from './db/connect.ts';
import { type DataDirLock, lockDataDir } from './db/dataDirLock.ts';
import { checkThrottleRules } from './domain/auth/throttleRules.ts';
import type { Deps } from './domain/deps.ts';
import { createJobQueue, type JobQueue } from './jobs/queue.ts';
import { createLogger } from './logging.ts';

/** The composition root: one database, one clock, one logger → the dependencies every use-case takes. */
export type App = {
  deps: Deps;
  jobs: JobQueue;
  database: Database;
  logger: Logger;
  close(): Promise<void>;
};

export type AppOptions = {
  /** An already-open database (tests share one per worker); otherwise opened from the config. */
  database?: Database;
  clock?: Clock;
  logger?: Logger;
};

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  // A misconfigured throttle table stops the process here, before it opens anything or serves anyone.
  checkThrottleRules();
  const logger = options.logger ?? createLogger(config.logLevel);
  let lock: DataDirLock | undefined;
  let database = options.database;
  if (!database) {
    if (config.databaseUrl) {
      database = openPostgres(config.databaseUrl);
    } else {
      // PGlite admits one process per directory: hold the lock for as long as the database is open.
      lock = await lockDataDir(config.dataDir);
      database = await openPglite(config.dataDir);
    }
    await database.migrate();
  }
  const jobs = createJobQueue(database, logger);
  const deps: Deps = { db: database.db, clock: options.clock ?? systemClock, config, jobs };
  const opened = database;
  return {
    deps,
    jobs,
    database: opened,
    logger,
    async close() {
      await jobs.stop();
      if (!options.database) await opened.close();
      lock?.release();
    },
  };
}
