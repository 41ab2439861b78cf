import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, emailMessages } from '../../src/db/schema.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();

describe('member profile: Login section', () => {
  it('shows the login state and, to a Security Administrator, the repairs', async () => {
    const member = await buildMember(app, { firstName: 'Nadia' });
    const security = await buildLogin(app, { role: 'security_admin' });
    const b = browser(await app.server());
    await b.logIn(security.username, security.password);
    const page = await b.get(`/admin/members/${member.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No login yet');
    expect(page.body).toContain('Resend set-up email');
    expect(page.body).toContain('Re-enable Invite Link');
    expect(page.body).toContain('No invitation has been sent to this member yet.');

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
    expect(reenabled.body).toMatch(/value="http:\/\/portal\.test\/invite\/[\w-]{43}"/);
    expect(reenabled.body).toContain('There were no older links to revoke.');
    const after = await b.get(`/admin/members/${member.id}`);
    expect(after.body).toContain('Recent activity');
    expect(after.body).toContain('Re-enabled an invitation link');
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
    expect(page.body).not.toContain('Re-enable Invite Link');
    expect(page.body).not.toContain('Recent activity');
    const refused = await b.submit(
      `/admin/members/${member.id}`,
      `/admin/members/${member.id}/reenable-invite-link`,
      {},
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Security Administrator access level');
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
    expect(page.body).toContain(member.username);
    expect(page.body).not.toContain('Resend set-up email');
    const refused = await b.submit(
      `/admin/members/${member.memberId}`,
      `/admin/members/${member.memberId}/resend-setup-email`,
      {},
    );
    expect(refused.statusCode).toBe(409);
  });
});
