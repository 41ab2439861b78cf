import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, emailMessages } from '../../src/db/schema.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

describe('member profile: Login section', () => {
  it('shows the login state and, to a Security Administrator, the repairs', async () => {
    const member = await buildMember(app, { firstName: 'Nadia' });
    const security = await buildLogin(app, { role: 'security_admin' });
    const b = browser(await app.server());
    await b.logIn(security.username, security.password);
    const page = await b.get(`/admin/members/${member.id}`);
    expect(page.statusCode).toBe(200);
    const profile = readPage(page.body);
    expect(profile.text).toContain('No login yet');
    profile.getByRole('button', { name: 'Resend set-up email' });
    profile.getByRole('button', { name: 'Re-enable Invite Link' });
    expect(profile.text).toContain('No invitation has been sent to this member yet.');

    const resent = await b.submit(
      `/admin/members/${member.id}`,
      `/admin/members/${member.id}/resend-setup-email`,
      {},
    );
    expect(resent.headers.location).toBe(`/admin/members/${member.id}?resent=1`);
    expect(
      await app.deps.db.select().from(emailMessages).where(eq(emailMessages.memberId, member.id)),
    ).toHaveLength(1);

    const reenabled = await b.submit(
      `/admin/members/${member.id}`,
      `/admin/members/${member.id}/reenable-invite-link`,
      {},
    );
    expect(reenabled.statusCode).toBe(200);
    const shown = readPage(reenabled.body);
    const newLink = shown.inside(shown.getByRole('region', { name: 'New invite link' }));
    expect(newLink.valueOf('Invite link')).toMatch(/^http:\/\/portal\.test\/invite\/[\w-]{43}$/);
    expect(newLink.text).toContain('There were no older links to revoke.');
    const after = readPage((await b.get(`/admin/members/${member.id}`)).body);
    const activity = after.inside(after.getByRole('region', { name: 'Recent activity' }));
    expect(activity.tableRows().map((cells) => cells[2])).toContain('Re-enabled an invitation link');
    const actions = (
      await app.deps.db.select().from(auditEvents).where(eq(auditEvents.memberId, member.id))
    ).map((a) => a.action);
    expect(actions).toEqual(['invitation.resend_setup_email', 'invitation.reenabled']);
  });

  it('lets an Administrator read the profile but not repair the login', async () => {
    const member = await buildMember(app);
    const admin = await buildLogin(app, { role: 'admin' });
    const b = browser(await app.server());
    await b.logIn(admin.username, admin.password);
    const page = await b.get(`/admin/members/${member.id}`);
    expect(page.statusCode).toBe(200);
    const profile = readPage(page.body);
    expect(profile.queryByRole('button', { name: 'Re-enable Invite Link' })).toBeNull();
    expect(profile.text).not.toContain('Re-enable Invite Link');
    expect(profile.queryByRole('region', { name: 'Recent activity' })).toBeNull();
    expect(profile.text).not.toContain('Recent activity');
    const refused = await b.submit(
      `/admin/members/${member.id}`,
      `/admin/members/${member.id}/reenable-invite-link`,
      {},
    );
    expect(refused.statusCode).toBe(403);
    expect(readPage(refused.body).text).toContain('Security Administrator access level');
    expect((await b.get('/admin/members/999999')).statusCode).toBe(404);
  });

  it('does not offer Resend set-up email once the member has logged in', async () => {
    const member = await buildLogin(app, { role: 'member' });
    const server = await app.server();
    await browser(server).logIn(member.username, member.password);
    const security = await buildLogin(app, { role: 'security_admin' });
    const b = browser(server);
    await b.logIn(security.username, security.password);
    const page = await b.get(`/admin/members/${member.memberId}`);
    const profile = readPage(page.body);
    expect(profile.text).toContain(member.username);
    expect(profile.queryByRole('button', { name: 'Resend set-up email' })).toBeNull();
    const refused = await b.submit(
      `/admin/members/${member.memberId}`,
      `/admin/members/${member.memberId}/resend-setup-email`,
      {},
    );
    expect(refused.statusCode).toBe(409);
  });
});
