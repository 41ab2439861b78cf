import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';

/** How the domain wakes the background workers; implemented by src/jobs (pg-boss). */
export type JobPort = {
  /**
   * Email is waiting to be sent: now, or from `at` on (a retry). `volume` hints how many messages, so a
   * big round can be spread over several workers.
   */
  emailDue(opts?: { at?: Date; volume?: number }): Promise<void>;
  /** "Forgot password?" / "Forgot username?" asked: the lookup and the email happen in the background. */
  selfServiceRequested(request: SelfServiceRequest): Promise<void>;
  /**
   * A Clear All Usernames or Restore is waiting for the worker. Optional: a port without it (a bench) still
   * gets the request run by the worker's minute sweep.
   */
  loginClearDue?(): Promise<void>;
};

/** What someone typed on a self-service page (lower-cased, trimmed), and from where. */
export type SelfServiceRequest = {
  page: 'forgot-password' | 'forgot-username';
  typed: string;
  ip: string | null;
};

/** What every use-case receives from the composition root (app.ts). */
export type Deps = {
  db: Db;
  clock: Clock;
  config: Config;
  jobs: JobPort;
};
