import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';

/** What every use-case receives from the composition root (app.ts). */
export type Deps = {
  db: Db;
  clock: Clock;
  config: Config;
};
