import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type DeliveryState, members } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { type LoginFilter, listFailedDeliveries } from '../../src/domain/reports/failedDeliveries.ts';
import { buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { useSmtpSink } from '../smtpSink.ts';
import { linkHref, shownMemberIds, signedIn, walkBothWays } from './activityReports.helpers.ts';

const app = useTestApp();
const REPORT = '/admin/query-tool/failed-deliveries';
const smtp = useSmtpSink();

async function setDelivery(memberIds: number[], state: DeliveryState | null, detail: string | null = null) {
  await app.deps.db
    .update(members)
    .set({ deliveryState: state, deliveryDetail: detail, lastInvitedAt: app.clock.now() })
    .where(inArray(members.id, memberIds));
}

/** The report worked out in the test: failed members, by login, by last name, first name, then id. */
async function expectedMemberIds(login: LoginFilter = 'without'): Promise<number[]> {
  const all = await app.deps.db.select().from(members);
  return all
    .filter((m) => m.deliveryState === 'failed')
    .filter((m) => login === 'all' || m.hasLogin === (login === 'with'))
    .sort((a, b) =>
      a.lastName !== b.lastName
        ? a.lastName < b.lastName
          ? -1
          : 1
        : a.firstName !== b.firstName
          ? a.firstName < b.firstName
            ? -1
            : 1
          : a.id - b.id,
    )
    .map((m) => m.id);
}

async function scenario() {
  const zed = await buildMember(app, { firstName: 'Ann', lastName: 'Zed' });
  const abel = await buildMember(app, { firstName: 'Ben', lastName: 'Abel' });
  const abel2 = await buildMember(app, { firstName: 'Ada', lastName: 'Abel' });
  await setDelivery([zed.id, abel.id, abel2.id], 'failed', '550 5.1.1 Mailbox unavailable');
  const retrying = await buildMember(app, { lastName: 'Retrying' });
  await setDelivery([retrying.id], 'deferred', '451 Greylisted');
  const sent = await buildMember(app, { lastName: 'Sent' });
  await setDelivery([sent.id], 'sent');
  await buildMember(app, { lastName: 'NeverInvited' });
  const joined = await buildLogin(app, { role: 'member' });
  await setDelivery([joined.memberId], 'failed', '552 Mailbox full');
  return { zed, abel, abel2, joined };
}

describe('Failed Deliveries report', () => {
  it('lists failed (not deferred) deliveries to members without a login by name, with the answer', async () => {
    const { zed, abel, abel2, joined } = await scenario();
    const { b } = await signedIn(app);
    const expected = await expectedMemberIds();
    expect(expected).toEqual([abel2.id, abel.id, zed.id]);
    const res = await b.get(REPORT);
    expect(res.statusCode).toBe(200);
    expect(shownMemberIds(res.body)).toEqual(expected);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'Failed Deliveries' });
    expect(page.link('Query Tool')).toBe('/admin/query-tool');
    page.getByRole('columnheader', { name: 'Last invited (delivered)' });
    // Name, member number, email, the mail server's answer, last invited (delivered), has a login, send again.
    expect(page.tableRows()[2]).toEqual([
      'Zed, Ann',
      zed.memberNumber,
      zed.email,
      '550 5.1.1 Mailbox unavailable',
      '15 Jan 2026, 09:00 UTC',
      'No',
      'Find in Invitation Codes',
    ]);
    expect(page.link('Zed, Ann')).toBe(`/admin/members/${zed.id}`);
    expect(page.text).toContain("Correct the member's email address in your roster and import it again");
    expect(page.link('Member Management › Import members')).toBe('/admin/member-management/import');
    expect(page.text).not.toContain('Greylisted');
    expect(page.text).not.toContain('Mailbox full');

    const withLogin = await b.get(`${REPORT}?login=with`);
    expect(shownMemberIds(withLogin.body)).toEqual(await expectedMemberIds('with'));
    expect(shownMemberIds(withLogin.body)).toEqual([joined.memberId]);
    expect(readPage(withLogin.body).tableRows()[0]?.[3]).toBe('552 Mailbox full');
    const either = await b.get(`${REPORT}?login=all`);
    expect(shownMemberIds(either.body)).toEqual(await expectedMemberIds('all'));
    expect(shownMemberIds(either.body)).toHaveLength(4);
  });

  it('shows a failure recorded by real delivery to a mail server that refuses the address', async () => {
    const { b, login } = await signedIn(app);
    const member = await buildMember(app, { email: 'gone@example.org' });
    smtp.sink.respondTo.set('gone@example.org', { code: 550, message: '5.1.1 No such user here' });
    await sendInvitation(app.deps, login.actor, member.id);
    await deliverDueEmail(app.deps, smtp.mailer);
    const res = await b.get(REPORT);
    expect(shownMemberIds(res.body)).toEqual([member.id]);
    const [row] = readPage(res.body).tableRows();
    expect(row?.[3]).toContain('No such user here');
    // The failed email was the only one: no invitation ever arrived.
    expect(row?.[4]).toBe('Never');
  });

  it('pages through every row exactly once (links keep the filter), ties on name included', async () => {
    const { b } = await signedIn(app);
    const rows = Array.from({ length: 61 }, (_, i) => {
      // Several members share each name, so ties are broken by id across page boundaries.
      const email = `failed${i}@example.org`;
      return {
        memberNumber: `F${String(i).padStart(4, '0')}`,
        firstName: 'Pat',
        lastName: `Name${String(i % 20).padStart(2, '0')}`,
        email,
        emailLower: email,
        deliveryState: 'failed' as const,
        deliveryDetail: '550 nope',
      };
    });
    await app.deps.db.insert(members).values(rows);
    const expected = await expectedMemberIds('all');
    const first = await b.get(`${REPORT}?login=all`);
    expect(shownMemberIds(first.body)).toHaveLength(50);
    const nextUrl = linkHref(first.body, 'Next page')!;
    expect(nextUrl).toContain('login=all');
    const second = await b.get(nextUrl);
    expect([...shownMemberIds(first.body), ...shownMemberIds(second.body)]).toEqual(expected);
    expect(linkHref(second.body, 'Next page')).toBeUndefined();
    const back = await b.get(linkHref(second.body, 'Previous page')!);
    expect(shownMemberIds(back.body)).toEqual(shownMemberIds(first.body));

    const admin = await buildLogin(app, { role: 'admin' });
    const walk = await walkBothWays(
      (position) => listFailedDeliveries(app.deps, admin.actor, { login: 'without', position }, 7),
      (r) => r.memberId,
    );
    expect(walk.forward).toEqual(expected);
    expect(walk.backward).toEqual(expected);
  });

  it('has an empty state and refuses an unknown filter', async () => {
    const { b } = await signedIn(app);
    const member = await buildMember(app);
    await setDelivery([member.id], 'deferred', '451 later');
    const res = await b.get(REPORT);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.text).toContain('No invitation email to members without a login has failed.');
    expect(page.queryByRole('table')).toBeNull();
    const bad = await b.get(`${REPORT}?login=maybe`);
    expect(bad.statusCode).toBe(400);
    const refused = readPage(bad.body);
    expect(refused.errorFor('Login')).toBe('Login must be Without a login, With a login or Either.');
    expect(refused.valueOf('Login')).toBe('without');
    expect(refused.queryByRole('table')).toBeNull();
  });

  it('is for Administrators and Security Administrators, not Members', async () => {
    for (const role of ['admin', 'security_admin'] as const) {
      const { b } = await signedIn(app, role);
      expect((await b.get(REPORT)).statusCode, role).toBe(200);
    }
    const { b, login } = await signedIn(app, 'member');
    expect((await b.get(REPORT)).statusCode).toBe(403);
    await expect(
      listFailedDeliveries(app.deps, login.actor, { login: 'without', position: {} }),
    ).rejects.toThrow('access level');
  });
});
