import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emailMessages, invitationRounds } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { startSendAll } from '../../src/domain/invitations/queueInvitations.ts';
import { changeReminderSettings } from '../../src/domain/reminders/reminderSettings.ts';
import { createMailer } from '../../src/email/mailer.ts';
import { type JobQueue, REMINDER_CHECK } from '../../src/jobs/queue.ts';
import { REMINDER_CHECK_CRON, startWorker } from '../../src/jobs/worker.ts';
import { buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
let worker: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

describe('the worker’s reminder check', () => {
  it('is scheduled every hour and, when run, starts a due round whose emails reach the Email Log', async () => {
    const members = await Promise.all([buildMember(app), buildMember(app)]);
    const admin = await buildLogin(app, { role: 'admin' });
    await startSendAll(app.deps, admin.actor);
    await deliverDueEmail(app.deps, createMailer(app.config)); // no SMTP: kept in the Email Log
    const sa = await buildLogin(app, { role: 'security_admin' });
    await changeReminderSettings(app.deps, sa.actor, { enabled: 'on', everyDays: '3', maxPerMember: '2' });
    app.clock.advance(3 * 24 * 60 * 60_000);

    const jobs = app.deps.jobs as JobQueue;
    worker = await startWorker({
      deps: app.deps,
      jobs,
      logger: app.logger,
      singleProcess: app.database.singleProcess,
    });
    const boss = await jobs.start();
    const schedules = await boss.getSchedules();
    expect(schedules.find((s) => s.name === REMINDER_CHECK)?.cron).toBe(REMINDER_CHECK_CRON);
    expect(REMINDER_CHECK_CRON).toBe('0 * * * *');

    // What the cron would do on the hour: one reminder-check job.
    await boss.send(REMINDER_CHECK, {});
    const reminderMessages = async () => {
      const [round] = await app.deps.db
        .select()
        .from(invitationRounds)
        .where(eq(invitationRounds.kind, 'reminder'));
      if (!round) return [];
      return app.deps.db.select().from(emailMessages).where(eq(emailMessages.roundId, round.id));
    };
    await vi.waitFor(
      async () => {
        const messages = await reminderMessages();
        expect(messages.map((m) => m.state)).toEqual(['logged', 'logged']);
      },
      { timeout: 30_000, interval: 250 },
    );
    const messages = await reminderMessages();
    expect(messages.map((m) => m.memberId).sort()).toEqual(members.map((m) => m.id).sort());
    // Kept without SMTP: the link waits beside the body for a Security Administrator's reveal (issue 9).
    expect(messages[0]?.keptSecrets?.[0]?.value).toContain('/invite/');
  });
});
