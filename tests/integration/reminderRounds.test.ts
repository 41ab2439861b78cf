import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { accounts, auditEvents, emailMessages, invitationRounds, members } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation, startSendAll } from '../../src/domain/invitations/queueInvitations.ts';
import { reminderAudienceCount } from '../../src/domain/reminders/reminderAudience.ts';
import {
  changeReminderSettings,
  readReminderSettings,
  setRemindersPaused,
} from '../../src/domain/reminders/reminderSettings.ts';
import { runDueReminderRound } from '../../src/domain/reminders/runDueReminderRound.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';
import { useSmtpSink } from '../smtpSink.ts';

const app = useTestApp();
const DAY = 24 * 60 * 60_000;
const PAGE = '/admin/settings/reminder-rounds';
const smtp = useSmtpSink();

/** The page's Status section, read on its own. */
const statusOf = (page: Page) => page.inside(page.getByRole('region', { name: 'Status' }));

/** Members invited by a real Send All, delivered to the SMTP sink at the current (test) time. */
async function invitedMembers(n: number, extra: (i: number) => { email?: string } = () => ({})) {
  const list = await Promise.all(Array.from({ length: n }, (_, i) => buildMember(app, extra(i))));
  const admin = await buildLogin(app, { role: 'admin' });
  await startSendAll(app.deps, admin.actor);
  await deliverDueEmail(app.deps, smtp.mailer);
  return { list, admin };
}

async function switchOn(everyDays = 7, maxPerMember = 3) {
  const sa = await buildLogin(app, { role: 'security_admin' });
  await changeReminderSettings(app.deps, sa.actor, {
    enabled: 'on',
    everyDays: String(everyDays),
    maxPerMember: String(maxPerMember),
  });
  return sa;
}

/** Reminder emails per member, counted from the messages of reminder rounds. */
async function remindersPerMember(): Promise<Map<number, number>> {
  const rows = await queryRows(
    app.deps.db,
    sql`select e.member_id, count(*) as n from email_messages e
        join invitation_rounds r on r.id = e.round_id where r.kind = 'reminder' group by e.member_id`,
    { member_id: 'number', n: 'number' },
  );
  return new Map(rows.map((r) => [r.member_id, r.n]));
}

const reminderRounds = () =>
  app.deps.db.select().from(invitationRounds).where(eq(invitationRounds.kind, 'reminder'));

describe('runDueReminderRound', () => {
  it('starts a round only once the interval has passed, and the reminders reach the mail server', async () => {
    const { list } = await invitedMembers(3);
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'off' });
    await switchOn(7);
    // Everybody was invited moments ago: nobody needs a reminder yet, and no empty round is recorded.
    app.clock.advance(60 * 60_000);
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'nobody' });
    app.clock.set(new Date('2026-01-22T08:00:00Z'));
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'nobody' });
    expect(await reminderRounds()).toHaveLength(0);

    app.clock.set(new Date('2026-01-22T09:00:00Z')); // 7 days after the Send All was queued
    expect(
      await reminderAudienceCount(app.deps.db, await readReminderSettings(app.deps.db), app.clock.now()),
    ).toBe(3);
    const before = smtp.sink.messages.length;
    const first = await runDueReminderRound(app.deps);
    expect(first).toMatchObject({ started: true, total: 3 });
    const [round] = await reminderRounds();
    expect(round).toMatchObject({ startedByLabel: 'Automatic reminders', startedBy: null, total: 3 });
    const [audit] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'reminders.round_started'));
    expect(audit).toMatchObject({
      actorLabel: 'Automatic reminders',
      details: { roundId: round!.id, total: 3 },
    });

    await deliverDueEmail(app.deps, smtp.mailer);
    const received = smtp.sink.messages.slice(before).flatMap((m) => m.to);
    expect(received.sort()).toEqual(list.map((m) => m.email).sort());
    for (const m of smtp.sink.messages.slice(before)) expect(m.subject).toMatch(/^Reminder: your invitation/);
    const states = await app.deps.db
      .select({ state: emailMessages.state })
      .from(emailMessages)
      .where(eq(emailMessages.roundId, round!.id));
    expect(states.map((s) => s.state)).toEqual(['sent', 'sent', 'sent']);

    // The next one is due 7 days after this round started, not before.
    app.clock.set(new Date('2026-01-23T09:00:00Z'));
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'not_due' });
    app.clock.set(new Date('2026-01-29T08:59:00Z'));
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'not_due' });
    app.clock.set(new Date('2026-01-29T09:00:00Z'));
    expect(await runDueReminderRound(app.deps)).toMatchObject({ started: true, total: 3 });
  });

  it('does nothing while paused, and carries on after Resume', async () => {
    await invitedMembers(2);
    const sa = await switchOn(7);
    await setRemindersPaused(app.deps, sa.actor, true);
    app.clock.advance(8 * DAY);
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'paused' });
    expect(await reminderRounds()).toHaveLength(0);
    await setRemindersPaused(app.deps, sa.actor, false);
    expect(await runDueReminderRound(app.deps)).toMatchObject({ started: true, total: 2 });
    const actions = await app.deps.db.select({ action: auditEvents.action }).from(auditEvents);
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['reminders.settings_changed', 'reminders.paused', 'reminders.resumed']),
    );
  });

  it('sends a member no more than the chosen number of reminders', async () => {
    const { list } = await invitedMembers(2);
    await switchOn(1, 2);
    for (let day = 1; day <= 4; day++) {
      app.clock.advance(DAY);
      await runDueReminderRound(app.deps);
      await deliverDueEmail(app.deps, smtp.mailer);
    }
    expect(await reminderRounds()).toHaveLength(2);
    const counts = await remindersPerMember();
    expect(list.map((m) => counts.get(m.id))).toEqual([2, 2]);
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'nobody' });
  });

  it('leaves out failed deliveries, logins, lapsed and never-invited members, and recent invitations', async () => {
    const { list } = await invitedMembers(5, (i) => (i === 0 ? { email: 'bounce@example.org' } : {}));
    const [bounced, joined, deferred, recent, plain] = list;
    // Everyone received the Send All above. Now arrange each one's situation:
    smtp.sink.respondTo.set('bounce@example.org', { code: 550, message: '5.1.1 Mailbox unavailable' });
    const admin = await buildLogin(app, { role: 'admin' });
    // bounced: the Send All arrived, a later Send failed permanently.
    await sendInvitation(app.deps, admin.actor, bounced!.id);
    await deliverDueEmail(app.deps, smtp.mailer);
    smtp.sink.respondTo.delete('bounce@example.org');
    expect(
      (await app.deps.db.select().from(members).where(eq(members.id, bounced!.id)))[0]?.deliveryState,
    ).toBe('failed');
    await app.deps.db
      .insert(accounts)
      .values({ memberId: joined!.id, username: 'joined', usernameLower: 'joined', passwordHash: 'x' });
    // A temporary delay is no reason to stop reminding.
    await app.deps.db.update(members).set({ deliveryState: 'deferred' }).where(eq(members.id, deferred!.id));
    const lapsed = await buildMember(app, { status: 'lapsed' });
    await app.deps.db.update(members).set({ invitationsSent: 1 }).where(eq(members.id, lapsed.id));
    const neverInvited = await buildMember(app);
    await switchOn(7);

    app.clock.advance(7 * DAY);
    await sendInvitation(app.deps, admin.actor, recent!.id); // a manual Send just before the round
    app.clock.advance(60_000);
    const result = await runDueReminderRound(app.deps);
    expect(result).toMatchObject({ started: true, total: 2 });
    const reminded = await remindersPerMember();
    expect([...reminded.keys()].sort()).toEqual([deferred!.id, plain!.id].sort());
    expect(reminded.has(neverInvited.id) || reminded.has(lapsed.id) || reminded.has(joined!.id)).toBe(false);
  });

  it('waits while a Send All is still sending', async () => {
    await invitedMembers(2);
    await switchOn(7);
    app.clock.advance(7 * DAY);
    await buildMember(app);
    await startSendAll(app.deps, (await buildLogin(app, { role: 'admin' })).actor);
    expect(await runDueReminderRound(app.deps)).toEqual({ started: false, reason: 'busy' });
  });

  it('keeps Send All back while a reminder round is still sending', async () => {
    await invitedMembers(2);
    await switchOn(7);
    app.clock.advance(7 * DAY);
    expect(await runDueReminderRound(app.deps)).toMatchObject({ started: true });
    const admin = await buildLogin(app, { role: 'admin' });
    await expect(startSendAll(app.deps, admin.actor)).rejects.toThrow('A reminder round is already running');
  });

  it('starts one round when several checks run at the same time', async () => {
    const { list } = await invitedMembers(4);
    await switchOn(7);
    app.clock.advance(7 * DAY);
    const results = await Promise.all(Array.from({ length: 4 }, () => runDueReminderRound(app.deps)));
    expect(results.filter((r) => r.started)).toHaveLength(1);
    expect(await reminderRounds()).toHaveLength(1);
    const counts = await remindersPerMember();
    expect(list.map((m) => counts.get(m.id))).toEqual([1, 1, 1, 1]);
  });
});

describe('Reminder Rounds page', () => {
  it('lets a Security Administrator change the settings, keeping refused input next to its error', async () => {
    const sa = await buildLogin(app, { role: 'security_admin' });
    const b = browser(await app.server());
    await b.logIn(sa.username, sa.password);
    const page = await b.get(PAGE);
    expect(page.statusCode).toBe(200);
    const form = readPage(page.body);
    form.getByRole('group', { name: 'Automatic reminder rounds' });
    expect(form.field('Every')).toHaveProperty('name', 'everyDays');
    expect(form.field('At most')).toHaveProperty('name', 'maxPerMember');

    const refused = await b.submit(PAGE, PAGE, { enabled: 'on', everyDays: '91', maxPerMember: 'lots' });
    expect(refused.statusCode).toBe(400);
    const again = readPage(refused.body);
    expect(again.errorFor('Every')).toContain('whole number from 1 to 90');
    expect(again.errorFor('At most')).toContain('whole number from 1 to 10');
    expect(again.valueOf('Every')).toBe('91');
    expect(again.valueOf('At most')).toBe('lots');
    expect(again.getByRole('radio', { name: 'On' })).toHaveProperty('checked', true);
    expect(again.getByRole('radio', { name: 'Off' })).toHaveProperty('checked', false);
    expect((await readReminderSettings(app.deps.db)).enabled).toBe(false);

    const saved = await b.submit(PAGE, PAGE, { enabled: 'on', everyDays: '14', maxPerMember: '2' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${PAGE}?done=saved`);
    expect(await readReminderSettings(app.deps.db)).toMatchObject({
      enabled: true,
      everyDays: 14,
      maxPerMember: 2,
    });
    const shown = await b.get(`${PAGE}?done=saved`);
    const saysSaved = readPage(shown.body);
    expect(saysSaved.status()).toBe('Reminder settings saved.');
    const status = statusOf(saysSaved);
    expect(status.text).toContain('Automatic reminder rounds are on: every 14 days, at most 2 reminders');
    status.getByText('on', { selector: 'strong' });
    expect(status.text).toContain('Next round: 15 Jan 2026, 10:00 UTC');
    status.getByText('15 Jan 2026, 10:00 UTC', { selector: 'strong' });
    const [event] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'reminders.settings_changed'));
    expect(event).toMatchObject({
      actorAccountId: sa.accountId,
      details: { after: { enabled: true, everyDays: 14, maxPerMember: 2 } },
    });

    const paused = await b.submit(PAGE, `${PAGE}/pause`, {});
    expect(paused.statusCode).toBe(303);
    const pausedPage = await b.get(paused.headers.location as string);
    const pausedStatus = statusOf(readPage(pausedPage.body));
    pausedStatus.getByText('paused', { selector: 'strong' });
    pausedStatus.getByRole('button', { name: 'Resume' });
    expect(pausedStatus.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(pausedStatus.text).toContain('No round is scheduled');
    await b.submit(PAGE, `${PAGE}/resume`, {});
    expect((await readReminderSettings(app.deps.db)).pausedAt).toBeNull();
    const logged = await app.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorAccountId, sa.accountId)));
    expect(logged.map((e) => e.action)).toEqual(
      expect.arrayContaining(['reminders.paused', 'reminders.resumed']),
    );
  });

  it('shows the audience now and past rounds; Administrators may look but not change', async () => {
    await invitedMembers(2);
    await switchOn(7);
    app.clock.advance(7 * DAY);
    await runDueReminderRound(app.deps);
    const admin = await buildLogin(app, { role: 'admin' });
    const b = browser(await app.server());
    await b.logIn(admin.username, admin.password);
    const page = await b.get(PAGE);
    expect(page.statusCode).toBe(200);
    const shown = readPage(page.body);
    expect(statusOf(shown).text).toContain('0 members would get a reminder');
    statusOf(shown).getByText('0 members', { selector: 'strong' });
    const [round, ...older] = shown.tableRows(/most recent reminder rounds/);
    expect(older).toEqual([]);
    expect(round!.slice(0, 4)).toEqual([
      expect.stringMatching(/^Reminder round #\d+$/),
      '22 Jan 2026, 09:00 UTC',
      'Automatic reminders',
      '2',
    ]);
    expect(shown.link(round![0]!)).toMatch(/^\/admin\/member-management\/invitation-codes\/rounds\/\d+$/);
    expect(shown.link('Invitation Rounds report')).toBe('/admin/query-tool/invitation-rounds');
    expect(shown.text).toContain('Only a Security Administrator can change these settings.');
    expect(shown.queryByRole('button', { name: 'Save settings' })).toBeNull();
    expect(shown.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(shown.queryByRole('button', { name: 'Resume' })).toBeNull();

    const refused = await b.submit(PAGE, PAGE, { enabled: 'off', everyDays: '7', maxPerMember: '3' });
    expect(refused.statusCode).toBe(403);
    expect((await b.submit(PAGE, `${PAGE}/pause`, {})).statusCode).toBe(403);
    expect(await readReminderSettings(app.deps.db)).toMatchObject({ enabled: true, pausedAt: null });

    app.clock.advance(7 * DAY);
    await b.logIn(admin.username, admin.password); // the session has long ended
    const later = statusOf(readPage((await b.get(PAGE)).body));
    expect(later.text).toContain('2 members would get a reminder');
    later.getByText('2 members', { selector: 'strong' });
  });
});
