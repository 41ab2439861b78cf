import { sql } from 'drizzle-orm';
import { describe, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { accounts, members } from '../../src/db/schema.ts';
import { purgeOldLoginHistory } from '../../src/domain/accounts/loginHistory.ts';
import { clearAllUsernames } from '../../src/domain/clearAllUsernames/clearAllUsernames.ts';
import { loginClearRequest } from '../../src/domain/clearAllUsernames/loginClearRequests.ts';
import { restoreClearedLogins } from '../../src/domain/clearAllUsernames/restoreClearedLogins.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation, startSendAll } from '../../src/domain/invitations/queueInvitations.ts';
import { createMailer } from '../../src/email/mailer.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { runQueuedLoginClearJobs } from '../loginClearJobs.ts';
import { useSmtpSink } from '../smtpSink.ts';
import { expectStoredEqualsRecount } from './storedFigures.recount.ts';

// Every figure migration 0021 stores (round message states, "logins since" per day, logins per day,
// logins created per day, member counts) equals a fresh recount after each kind of writer, so the reports
// that read them show what a recount would. On both engines (TEST_DATABASE_URL).
const app = useTestApp();
const smtp = useSmtpSink();
const DAY = 86_400_000;

const ROUNDS = ['round message states'];
const LOGINS_SINCE = [...ROUNDS, 'round logins since, per day'];

/** Members without a login, some lapsed, and an administrator to send with. */
async function roster(size = 12) {
  const admin = await buildLogin(app, { role: 'admin' });
  const people = [];
  for (let i = 0; i < size; i++) {
    people.push(
      await buildMember(app, { status: i % 4 === 3 ? 'lapsed' : 'current', email: `p${i}@example.org` }),
    );
  }
  return { admin, people };
}

/** Logins for some members, created `daysLater` days after now, in one statement. */
async function loginsFor(memberIds: number[], daysLater: number) {
  const createdAt = new Date(app.clock.now().getTime() + daysLater * DAY);
  await app.deps.db.insert(accounts).values(
    memberIds.map((memberId) => ({
      memberId,
      username: `u${memberId}`,
      usernameLower: `u${memberId}`,
      passwordHash: 'x',
      createdAt,
    })),
  );
}

describe('stored figures equal a fresh recount', () => {
  it('after Send All is queued, delivered, failed, kept in the Email Log and skipped', async () => {
    const { admin, people } = await roster();
    smtp.sink.respondTo.set('p1@example.org', { code: 550, message: '5.1.1 Mailbox unavailable' });
    smtp.sink.respondTo.set('p2@example.org', { code: 451, message: 'Greylisted' });
    await startSendAll(app.deps, admin.actor);
    await expectStoredEqualsRecount(app.deps.db, ROUNDS);
    await loginsFor([people[0]!.id], 0.5); // a login made before delivery: skipped
    await deliverDueEmail(app.deps, smtp.mailer);
    await expectStoredEqualsRecount(app.deps.db, LOGINS_SINCE);
    await sendInvitation(app.deps, admin.actor, people[3]!.id);
    await deliverDueEmail(app.deps, createMailer(app.config)); // no SMTP: logged
    await expectStoredEqualsRecount(app.deps.db, LOGINS_SINCE);
  });

  it('after logins are created and removed, one at a time and in bulk, and a member is deleted', async () => {
    const { admin, people } = await roster();
    await startSendAll(app.deps, admin.actor);
    await deliverDueEmail(app.deps, smtp.mailer);
    app.clock.advance(DAY);
    await buildLogin(app); // one login, through the same path as every test login
    await loginsFor([people[0]!.id], 0);
    await loginsFor(
      people.slice(1, 8).map((p) => p.id),
      2.5,
    );
    await expectStoredEqualsRecount(app.deps.db, [...LOGINS_SINCE, 'logins created per UTC day']);
    await app.deps.db.execute(sql`delete from accounts where member_id = ${people[0]!.id}`);
    await expectStoredEqualsRecount(app.deps.db, LOGINS_SINCE);
    await app.deps.db.execute(
      sql`delete from accounts where member_id in (${people[1]!.id}, ${people[2]!.id}, ${people[3]!.id})`,
    );
    await expectStoredEqualsRecount(app.deps.db, LOGINS_SINCE);
    await app.deps.db.execute(sql`delete from members where id in (${people[4]!.id}, ${people[9]!.id})`);
    await expectStoredEqualsRecount(app.deps.db, LOGINS_SINCE);
  });

  it('after Clear All Usernames and Restore', async () => {
    const { admin, people } = await roster(6);
    const me = await buildLogin(app, { role: 'security_admin' });
    await startSendAll(app.deps, admin.actor);
    await deliverDueEmail(app.deps, smtp.mailer);
    await loginsFor(
      people.map((p) => p.id),
      1,
    );
    await expectStoredEqualsRecount(app.deps.db, LOGINS_SINCE);
    const [{ n }] = (await queryRows(
      app.deps.db,
      sql`select count(*) as n from accounts where role = 'member'`,
      { n: 'number' },
    )) as [{ n: number }];
    const { requestId } = await clearAllUsernames(app.deps, me.actor, {
      includeAdmins: false,
      confirmation: `clear ${n} logins`,
      password: me.password,
    });
    await runQueuedLoginClearJobs(app);
    const { clearId } = await loginClearRequest(app.deps, me.actor, requestId);
    await expectStoredEqualsRecount(app.deps.db, ROUNDS);
    await restoreClearedLogins(app.deps, me.actor, clearId!);
    await runQueuedLoginClearJobs(app);
    await expectStoredEqualsRecount(app.deps.db, LOGINS_SINCE);
  });

  it('after sign-ins are recorded (two on one day by one member) and old ones purged', async () => {
    const server = await app.server();
    const people = [await buildLogin(app), await buildLogin(app)];
    app.clock.advance(60_000); // a sign-in at the very instant of creation is no Last Login (loginActivity.ts)
    for (const person of [...people, people[0]!]) {
      await browser(server).logIn(person.username, person.password);
    }
    await expectStoredEqualsRecount(app.deps.db, [
      'logins per UTC day',
      'logins by UTC day of their Last Login',
    ]);
    app.clock.advance(181 * DAY);
    await browser(server).logIn(people[1]!.username, people[1]!.password);
    await purgeOldLoginHistory(app.deps);
    await expectStoredEqualsRecount(app.deps.db, ['logins per UTC day']);
  });

  it('after roster changes: status, a failed delivery, members added in bulk', async () => {
    const { admin, people } = await roster(4);
    smtp.sink.respondTo.set('p0@example.org', { code: 550, message: '5.1.1 Mailbox unavailable' });
    await sendInvitation(app.deps, admin.actor, people[0]!.id);
    await deliverDueEmail(app.deps, smtp.mailer);
    await app.deps.db.execute(sql`update members set status = 'lapsed' where id = ${people[1]!.id}`);
    await app.deps.db.execute(sql`
      insert into ${members} (member_number, first_name, last_name, email, email_lower)
      select 'B' || g, 'First', 'Last', 'b' || g || '@example.org', 'b' || g || '@example.org'
      from generate_series(1, 50) g`);
    await expectStoredEqualsRecount(app.deps.db, ['member counts']);
  });
});
