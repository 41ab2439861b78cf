import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, emailMessages, members } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { importRoster } from '../../src/domain/members/importRoster.ts';
import { runCli } from '../cliProcess.ts';
import { browser, buildLogin, buildMember, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { EMBEDDED_DATA_DIR_ONLY, inPostgresSuite, migratedDataDir } from '../migratedDataDir.ts';
import { runQueuedSelfServiceJobs } from '../selfServiceJobs.ts';
import { type SinkMessage, useSmtpSink } from '../smtpSink.ts';

const app = useTestApp();
const smtp = useSmtpSink({ MAIL_FROM: 'Portal <portal@example.org>' });
const REASON = "change this administrator's email on their profile";

const csv = (...rows: string[]) => ['member_number,first_name,last_name,email', ...rows].join('\n');

async function deliver(): Promise<SinkMessage[]> {
  const before = smtp.sink.messages.length;
  const { delivered } = await deliverDueEmail(app.deps, smtp.mailer);
  return delivered === 0 ? [] : (await smtp.sink.waitForMessages(before + delivered)).slice(before);
}

const importAs = (actor: Parameters<typeof importRoster>[1], text: string, validRowsOnly = false) =>
  importRoster(app.deps, actor, { csv: text, source: 'roster.csv', dryRun: false, validRowsOnly });

const emailOf = async (memberId: number) =>
  (await app.deps.db.select().from(members).where(eq(members.id, memberId)))[0]!.email;

describe('Roster import and the email of a login', () => {
  it('refuses to move an administrator’s email, so Forgot password cannot be redirected', async () => {
    const target = await buildLogin(app, { role: 'security_admin' });
    const admin = await buildLogin(app, { role: 'admin' });
    const [sa] = await app.deps.db.select().from(members).where(eq(members.id, target.memberId));
    const attack = csv(
      'N1,Nora,Normal,nora@example.org',
      `${sa!.memberNumber},${sa!.firstName},${sa!.lastName},attacker@evil.test`,
    );

    const preview = await importRoster(app.deps, admin.actor, {
      csv: attack,
      source: 'roster.csv',
      dryRun: true,
      validRowsOnly: false,
    });
    expect(preview.problems).toEqual([
      { line: 3, field: 'email', message: `email "attacker@evil.test": ${REASON}` },
    ]);
    expect(preview).toMatchObject({ added: 1, updated: 0, applied: false });

    // All or nothing: with a problem in the file, nothing is applied.
    const refused = await importAs(admin.actor, attack);
    expect(refused.applied).toBe(false);
    expect(refused.problems.map((p) => p.line)).toEqual([3]);
    expect(await emailOf(target.memberId)).toBe(`${target.username}@example.org`);

    // "Import valid rows only" skips the row and applies the rest.
    const skipped = await importAs(admin.actor, attack, true);
    expect(skipped).toMatchObject({ applied: true, added: 1, updated: 0 });
    expect(await emailOf(target.memberId)).toBe(`${target.username}@example.org`);

    const anonymous = browser(await app.server());
    await anonymous.submit('/forgot-password', '/forgot-password', { identifier: target.username });
    await runQueuedSelfServiceJobs(app);
    const mails = await deliver();
    expect(mails.map((m) => m.to)).toEqual([[`${target.username}@example.org`]]);
  });

  it('refuses it for an Administrator login too, and even for the command line operator', async () => {
    const other = await buildLogin(app, { role: 'admin' });
    const [m] = await app.deps.db.select().from(members).where(eq(members.id, other.memberId));
    const operator = { accountId: null, label: 'command line', role: 'security_admin' as const, ip: null };
    const report = await importAs(operator, csv(`${m!.memberNumber},A,B,new@example.org`));
    expect(report.problems).toEqual([
      { line: 2, field: 'email', message: `email "new@example.org": ${REASON}` },
    ]);
    expect(report.applied).toBe(false);
    // The rest of an administrator's row (names) may still change, and a change of case is no change.
    const sameAddress = await importAs(operator, csv(`${m!.memberNumber},A,B,${m!.email.toUpperCase()}`));
    expect(sameAddress).toMatchObject({ applied: true, updated: 1, problems: [] });
  });

  it('tells the old address when a member with a login gets a new one, and records old and new', async () => {
    const member = await buildLogin(app);
    const admin = await buildLogin(app, { role: 'admin' });
    const [m] = await app.deps.db.select().from(members).where(eq(members.id, member.memberId));
    const old = m!.email;
    const report = await importAs(admin.actor, csv(`${m!.memberNumber},${m!.firstName},X,moved@example.org`));
    expect(report).toMatchObject({ applied: true, updated: 1 });
    expect(await emailOf(member.memberId)).toBe('moved@example.org');

    const events = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'member.email_changed'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      memberId: member.memberId,
      actorAccountId: admin.accountId,
      details: { from: old, to: 'moved@example.org', source: 'roster.csv' },
    });

    const [mail, ...more] = await deliver();
    expect(more).toHaveLength(0);
    expect(mail!.to).toEqual([old]);
    expect(mail!.subject).toBe('The email address of your Gatehouse member portal login has changed');
    expect(mail!.text).toContain(member.username);
    expect(mail!.text).toContain('If you did not expect this change');
    // The new address is not written into a mailbox that may no longer be the member's.
    expect(mail!.text).not.toContain('moved@example.org');
  });

  it('changes the email of a member without a login silently, as before', async () => {
    const member = await buildMember(app);
    const admin = await buildLogin(app, { role: 'admin' });
    const report = await importAs(
      admin.actor,
      csv(`${member.memberNumber},${member.firstName},${member.lastName},quiet@example.org`),
    );
    expect(report).toMatchObject({ applied: true, updated: 1 });
    expect(await emailOf(member.id)).toBe('quiet@example.org');
    expect(await app.deps.db.select().from(emailMessages)).toHaveLength(0);
    const actions = (await app.deps.db.select().from(auditEvents)).map((e) => e.action);
    expect(actions).toEqual(['roster.imported']);
  });
});

describe.skipIf(inPostgresSuite)(
  `gatehouse members import (${EMBEDDED_DATA_DIR_ONLY})`,
  { timeout: 120_000 },
  () => {
    it('reports the line of a row that would move an administrator’s email and imports nothing', async () => {
      const DATA_DIR = migratedDataDir();
      const env = { DATA_DIR, GATEHOUSE_PASSWORD: GOOD_PASSWORD };
      const created = await runCli(
        ['admin', 'create', '--username', 'boss', '--email', 'boss@example.org'].concat([
          '--first-name',
          'Bo',
          '--last-name',
          'Ss',
        ]),
        env,
      );
      expect(created.code).toBe(0);
      const number = /\(member (\S+)\)/.exec(created.stdout)![1]!;
      const file = path.join(DATA_DIR, 'roster.csv');
      writeFileSync(file, csv('N1,Nora,Normal,nora@example.org', `${number},Bo,Ss,attacker@evil.test`));
      const res = await runCli(['members', 'import', file], env);
      expect(res.stdout).toContain(`roster.csv:3: email "attacker@evil.test": ${REASON}`);
      expect(res.stdout).toContain('Nothing was imported');
      expect(res.code).toBe(1);
    });
  },
);
