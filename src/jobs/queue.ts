import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { type Database, JOB_QUEUE_LOCK_ID } from '../db/connect.ts';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';
import type { JobPort } from '../domain/deps.ts';
import { LOGIN_CLEAR_DUE } from './loginClearJob.ts';
import { SELF_SERVICE_REQUEST } from './selfServiceJob.ts';

export const EMAIL_DUE = 'email-due';
export const EMAIL_SWEEP = 'email-sweep';
/** Hourly: starts an automatic reminder round when one is due (src/domain/reminders). */
export const REMINDER_CHECK = 'reminder-check';

// A round of N messages wakes up to LANES jobs, so that several worker processes share a big Send All.
const LANES = 4;
const MESSAGES_PER_LANE = 200;

export type JobQueue = JobPort & {
  /** Starts pg-boss; `background` also runs its maintenance and cron schedules (worker processes). */
  start(opts?: { background?: boolean }): Promise<PgBoss>;
  stop(): Promise<void>;
};

/** pg-boss over the portal's own database (PGlite or PostgreSQL), started on first use. */
export function createJobQueue(database: Database, logger: Logger): JobQueue {
  let started: Promise<PgBoss> | undefined;
  const start = (opts: { background?: boolean } = {}) => {
    started ??= (async () => {
      const boss = new PgBoss({
        db: { executeSql: (text, values) => database.executeSql(text, values) },
        supervise: opts.background === true,
        schedule: opts.background === true,
      });
      // pg-boss reports failed polls and maintenance here and carries on; while the database is away
      // (a restart, a failover) that is expected, so a warning rather than an error for each one.
      boss.on('error', (err) => {
        if (isDatabaseUnreachable(err)) logger.warn({ err }, 'job queue: database unreachable, will retry');
        else logger.error({ err }, 'job queue error');
      });
      // pg-boss installs its schema and creates queues with DDL: two processes doing that at once on a
      // fresh database deadlock (issue 10, item 3). One at a time; the later ones find everything there.
      await database.exclusively(JOB_QUEUE_LOCK_ID, async () => {
        await boss.start();
        for (const name of [EMAIL_DUE, EMAIL_SWEEP, REMINDER_CHECK, SELF_SERVICE_REQUEST]) {
          if (!(await boss.getQueue(name))) await boss.createQueue(name);
        }
        if (!(await boss.getQueue(LOGIN_CLEAR_DUE))) await boss.createQueue(LOGIN_CLEAR_DUE);
      });
      return boss;
    })();
    // A start that failed (the database was away) must not stay cached: the next use tries again.
    const attempt = started;
    attempt.catch(() => {
      if (started === attempt) started = undefined;
    });
    return started;
  };
  return {
    start,
    async emailDue(opts = {}) {
      const boss = await start();
      const lanes = Math.min(LANES, Math.max(1, Math.ceil((opts.volume ?? 1) / MESSAGES_PER_LANE)));
      for (let i = 0; i < lanes; i++) {
        // A lane runs until nothing is due; a million-member round takes a while.
        await boss.send(EMAIL_DUE, {}, { expireInHours: 6, ...(opts.at ? { startAfter: opts.at } : {}) });
      }
    },
    async selfServiceRequested(request) {
      const boss = await start();
      // Not worth keeping for long: an unanswered request an hour old is better dropped than sent late.
      await boss.send(SELF_SERVICE_REQUEST, request, {
        retryLimit: 3,
        expireInMinutes: 5,
        retentionMinutes: 60,
      });
    },
    async loginClearDue() {
      const boss = await start();
      // A wake-up only (the request row is the queue); a clear of a million logins takes a while.
      await boss.send(LOGIN_CLEAR_DUE, {}, { expireInHours: 2, retentionMinutes: 60 });
    },
    async stop() {
      const running = started;
      started = undefined;
      if (running) await (await running).stop({ graceful: true, timeout: 10_000 });
    },
  };
}
