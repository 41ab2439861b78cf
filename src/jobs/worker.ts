import type { Logger } from 'pino';
import { purgeOldLoginHistory } from '../domain/accounts/loginHistory.ts';
import { purgeOldPasswordResets } from '../domain/accounts/passwordResets.ts';
import { purgeExpiredSessions } from '../domain/auth/sessions.ts';
import { purgeOldThrottleRows } from '../domain/auth/throttle.ts';
import { purgeExpiredClears } from '../domain/clearAllUsernames/purgeExpiredClears.ts';
import { settleInterruptedRequests } from '../domain/clearAllUsernames/runLoginClearRequest.ts';
import type { Deps, SelfServiceRequest } from '../domain/deps.ts';
import { deliverDueEmail } from '../domain/email/deliverDueEmail.ts';
import { interruptAbandonedSends } from '../domain/email/interruptAbandonedSends.ts';
import { purgeOldFormSubmissions } from '../domain/forms/repeatSafeSubmission.ts';
import { purgeStaleRosterUploads } from '../domain/members/rosterUploads.ts';
import { runDueReminderRound } from '../domain/reminders/runDueReminderRound.ts';
import { purgeExpiredChallenges } from '../domain/twoStep/loginChallenges.ts';
import { createMailer } from '../email/mailer.ts';
import { jobRuns } from './jobRuns.ts';
import { LOGIN_CLEAR_DUE, runLoginClearRequests } from './loginClearJob.ts';
import { EMAIL_DUE, EMAIL_SWEEP, type JobQueue, REMINDER_CHECK } from './queue.ts';
import { runSelfServiceJobs, SELF_SERVICE_REQUEST } from './selfServiceJob.ts';
import { startWebhookDelivery } from './webhookDelivery.ts';

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
// Two email lanes per worker process: one sends while the other waits on the database.
const LANES_PER_PROCESS = 2;
// On the hour (UTC), as the Reminder Rounds page tells admins (nextHourlyCheck in reminderOverview.ts).
export const REMINDER_CHECK_CRON = '0 * * * *';

/** What the worker needs from the process that runs it. */
export type WorkerParts = {
  deps: Deps;
  /** The job queue behind `deps.jobs`, started and stopped by the worker. */
  jobs: JobQueue;
  logger: Logger;
  /** Only this process can be using the database (`Database.singleProcess`). */
  singleProcess: boolean;
};

/**
 * The background worker: email delivery (pg-boss jobs; thin handlers around domain use-cases), a
 * once-a-minute sweep for retries and abandoned sends, the hourly reminder-round check, and housekeeping.
 */
export async function startWorker(parts: WorkerParts): Promise<{ stop(): Promise<void> }> {
  const { deps, jobs, logger } = parts;
  const mailer = createMailer(deps.config);
  const boss = await jobs.start({ background: true });
  // When only this process can be using the database, anything still "sending" was left by a crash of ours.
  const interrupted = await interruptAbandonedSends(deps, { everything: parts.singleProcess });
  if (interrupted > 0)
    logger.warn(`${interrupted} message(s) were interrupted by a previous crash and will not be resent`);

  // On stop, each run finishes the group it is handing over and releases the rest of its batch.
  const stopping = new AbortController();
  const { tracked, stop: stopRuns } = jobRuns(logger);
  const deliver = async () => {
    const result = await deliverDueEmail(deps, mailer, {
      stopping: stopping.signal,
      onLeaseError: (err) => logger.warn({ err }, 'could not renew the email delivery lease'),
    });
    if (result.delivered + result.failed > 0) logger.info(result, 'email delivered');
  };
  for (let lane = 0; lane < LANES_PER_PROCESS; lane++) {
    await boss.work(EMAIL_DUE, { pollingIntervalSeconds: 1 }, tracked('email delivery', deliver));
  }
  await boss.schedule(EMAIL_SWEEP, '* * * * *');
  await boss.work(
    EMAIL_SWEEP,
    tracked('email sweep', async () => {
      await interruptAbandonedSends(deps);
      await deliver();
    }),
  );
  await boss.work<SelfServiceRequest>(
    SELF_SERVICE_REQUEST,
    { pollingIntervalSeconds: 1, batchSize: 20 },
    tracked('self-service requests', (jobs) => runSelfServiceJobs(deps, boss, jobs)),
  );
  // Every worker process schedules the check; pg-boss keeps one schedule per name, and the domain's
  // round lock makes a second check at the same time a no-op anyway.
  await boss.schedule(REMINDER_CHECK, REMINDER_CHECK_CRON);
  await boss.work(
    REMINDER_CHECK,
    tracked('reminder check', async () => {
      const result = await runDueReminderRound(deps);
      if (result.started) logger.info(result, 'reminder round started');
    }),
  );
  await deps.jobs.emailDue(); // pick up whatever was queued while no worker ran
  // Clear All Usernames / Restore: a request left running by a crash of ours is settled first (all of them
  // when only this process uses the database); the minute sweep runs waiting ones and settles dead ones.
  if (parts.singleProcess) await settleInterruptedRequests(deps, { everything: true });
  const clearLogins = tracked('Clear All Usernames request', () =>
    runLoginClearRequests(deps, logger, stopping.signal),
  );
  await boss.work(LOGIN_CLEAR_DUE, { pollingIntervalSeconds: 1 }, clearLogins);
  await boss.schedule(LOGIN_CLEAR_DUE, '* * * * *');
  await deps.jobs.loginClearDue?.();
  const webhooks = await startWebhookDelivery(deps, logger, { singleProcess: parts.singleProcess });

  const housekeeping = async () => {
    try {
      await purgeExpiredSessions(deps);
      await purgeExpiredChallenges(deps);
      await purgeOldThrottleRows(deps.db, deps.clock.now());
      await purgeStaleRosterUploads(deps);
      await purgeOldLoginHistory(deps);
      await purgeOldPasswordResets(deps);
      // Cleared logins keep password hashes: they must not outlive their 30 days of Restore.
      await purgeExpiredClears(deps);
      await purgeOldFormSubmissions(deps);
    } catch (err) {
      logger.error({ err }, 'housekeeping failed');
    }
  };
  const tidy = tracked('housekeeping', housekeeping);
  void tidy();
  const timer = setInterval(tidy, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await webhooks.stop();
      // Before pg-boss and the database go: a run cut off mid-group would leave its messages interrupted.
      // No run starts after this, so none is left running when the database closes.
      await stopRuns();
      await jobs.stop();
      await mailer.close();
    },
  };
}
