import { desc, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { auditEvents, emailMessages, invitations, organisationSettings } from '../../src/db/schema.ts';
import { changeOwnPassword } from '../../src/domain/accounts/changeOwnPassword.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { reenableInviteLink } from '../../src/domain/invitations/reenableInviteLink.ts';
import { systemActor } from '../../src/domain/policy.ts';
import * as organisationSettingsModule from '../../src/domain/settings/organisationSettings.ts';
import { readSettings } from '../../src/domain/settings/organisationSettings.ts';
import { saveSettings } from '../../src/domain/settings/saveSettings.ts';
import { browser, buildLogin, buildMember, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { useSmtpSink } from '../smtpSink.ts';

const app = useTestApp({
  ORG_NAME: 'Riverside Rowing',
  MAIL_FROM: 'Riverside Portal <portal@riverside.test>',
});
const smtp = useSmtpSink({ MAIL_FROM: 'Riverside Portal <portal@riverside.test>' });
const PAGE = '/admin/settings';
const DAY = 86_400_000;

const filled = {
  orgName: 'Riverside Rowing Club',
  senderName: 'Riverside Office',
  replyTo: 'office@riverside.test',
  invitationMessage: 'Our new member portal is open: results, bookings and the newsletter in one place.',
  linkExpiryDays: '10',
};

async function securityAdmin() {
  const sa = await buildLogin(app, { role: 'security_admin' });
  const b = browser(await app.server());
  await b.logIn(sa.username, sa.password);
  return { sa, b };
}

describe('Organisation settings', () => {
  it('are read for a page that shows the name, never for a redirect (a login is one statement fewer)', async () => {
    const member = await buildLogin(app, { role: 'member' });
    const b = browser(await app.server());
    const reads = vi.spyOn(organisationSettingsModule, 'readSettings');
    try {
      const loginPage = await b.get('/login');
      expect(readPage(loginPage.body).getByRole('banner').textContent).toContain('Riverside Rowing');
      expect(reads).toHaveBeenCalledTimes(1);
      reads.mockClear();
      const form = new URLSearchParams({
        _csrf: csrfFrom(loginPage.body),
        username: member.username,
        password: member.password,
      });
      const loggedIn = await (await app.server()).inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
      });
      expect(loggedIn.statusCode).toBe(303);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('shows the environment defaults until something is saved', async () => {
    const { b } = await securityAdmin();
    const page = readPage((await b.get(PAGE)).body);
    expect(page.valueOf('Organisation name')).toBe('Riverside Rowing');
    expect(page.valueOf('Sender name')).toBe('Riverside Portal');
    expect(page.valueOf('Reply-to address')).toBe('');
    expect(page.valueOf('Link expiry (days)')).toBe('30');
    expect(page.descriptionOf('Sender name')).toContain('portal@riverside.test');
    page.getByRole('button', { name: 'Save settings' });
    expect(page.getByRole('banner').textContent).toContain('Riverside Rowing');
  });

  it('saves, audits old → new per field, and pages show the new name from the next request', async () => {
    const { sa, b } = await securityAdmin();
    const saved = await b.submit(PAGE, PAGE, filled);
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${PAGE}?done=saved`);
    const page = readPage((await b.get(`${PAGE}?done=saved`)).body);
    expect(page.status()).toMatch(/^Settings saved/);
    expect(page.valueOf('Organisation name')).toBe('Riverside Rowing Club');
    expect(page.valueOf('Invitation message')).toBe(filled.invitationMessage);
    const home = readPage((await b.get('/home')).body);
    expect(home.getByRole('banner').textContent).toContain('Riverside Rowing Club');

    const [event] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'settings.changed'));
    expect(event).toMatchObject({ actorAccountId: sa.accountId });
    expect(event!.details).toEqual({
      changes: {
        orgName: { from: 'Riverside Rowing', to: 'Riverside Rowing Club' },
        senderName: { from: 'Riverside Portal', to: 'Riverside Office' },
        replyTo: { from: null, to: 'office@riverside.test' },
        invitationMessage: { from: null, to: filled.invitationMessage },
        linkExpiryDays: { from: 30, to: 10 },
      },
    });

    // Saving the same again changes nothing and records nothing.
    await b.submit(PAGE, PAGE, filled);
    expect(
      await app.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'settings.changed')),
    ).toHaveLength(1);
  });

  it('refuses bad input next to its field, keeps what was typed, and saves nothing', async () => {
    const { b } = await securityAdmin();
    const refused = await b.submit(PAGE, PAGE, {
      ...filled,
      replyTo: 'office at riverside',
      linkExpiryDays: '366',
    });
    expect(refused.statusCode).toBe(400);
    const page = readPage(refused.body);
    expect(page.errorFor('Reply-to address')).toMatch(/^Enter the reply-to address as an email address/);
    expect(page.errorFor('Link expiry (days)')).toContain('from 1 to 365');
    expect(page.valueOf('Reply-to address')).toBe('office at riverside');
    expect(page.valueOf('Organisation name')).toBe('Riverside Rowing Club');
    expect(page.valueOf('Invitation message')).toBe(filled.invitationMessage);
    // The preview shows what was typed, the bad fields as they are in effect.
    const preview = page.inside(page.getByRole('region', { name: 'Preview of the invitation email' }));
    expect(preview.text).toContain('Your invitation to the Riverside Rowing Club member portal');
    expect(preview.text).toContain('None: replies go to the From address');
    expect((await readSettings(app.deps)).orgName).toBe('Riverside Rowing');

    const header = await b.submit(PAGE, PAGE, { ...filled, senderName: 'Office <evil@x.test>' });
    expect(readPage(header.body).errorFor('Sender name')).toContain('cannot contain');
  });

  it('an emptied field, or one set to the default, follows the environment default again', async () => {
    const { b } = await securityAdmin();
    await b.submit(PAGE, PAGE, filled);
    await b.submit(PAGE, PAGE, {
      ...filled,
      orgName: '',
      senderName: 'Riverside Portal',
      linkExpiryDays: '30',
    });
    const [row] = await app.deps.db.select().from(organisationSettings);
    expect(row).toMatchObject({
      orgName: null,
      senderName: null,
      linkExpiryDays: null,
      replyTo: 'office@riverside.test',
    });
    expect(readPage((await b.get(PAGE)).body).valueOf('Organisation name')).toBe('Riverside Rowing');
  });

  it('is for Security Administrators only, and only they see the Settings link', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    const b = browser(await app.server());
    await b.logIn(admin.username, admin.password);
    expect((await b.get(PAGE)).statusCode).toBe(403);
    const adminHome = readPage((await b.get('/admin')).body);
    adminHome.getByRole('link', { name: 'Member Search' });
    expect(adminHome.queryByRole('link', { name: 'Settings' })).toBeNull();
    const { b: sb } = await securityAdmin();
    expect(readPage((await sb.get('/admin')).body).link('Settings')).toBe(PAGE);
  });

  it('previews the invitation as typed without saving it', async () => {
    const { b } = await securityAdmin();
    const res = await b.submit(PAGE, '/admin/settings/preview', { ...filled, linkExpiryDays: 'soon' });
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    const preview = page.inside(page.getByRole('region', { name: 'Preview of the invitation email' }));
    expect(preview.text).toContain('Riverside Office <portal@riverside.test>');
    expect(preview.text).toContain('office@riverside.test');
    expect(preview.text).toContain('Your invitation to the Riverside Rowing Club member portal');
    expect(preview.text).toContain(filled.invitationMessage);
    // The bad expiry is reported and the saved one (30 days from 15 January) is previewed instead.
    expect(page.errorFor('Link expiry (days)')).toContain('whole number of days');
    expect(preview.text).toContain('14 February 2026');
    expect(page.valueOf('Link expiry (days)')).toBe('soon');
    expect((await readSettings(app.deps)).orgName).toBe('Riverside Rowing');
  });

  it('invitations are sent with the saved name, sender, reply-to, opening and expiry', async () => {
    const { sa, b } = await securityAdmin();
    await b.submit(PAGE, PAGE, filled);
    const member = await buildMember(app, { email: 'pat@example.test', firstName: 'Pat' });
    await sendInvitation(app.deps, sa.actor, member.id);
    await deliverDueEmail(app.deps, smtp.mailer);
    const [mail] = await smtp.sink.waitForMessages(1);
    expect(mail!.headers.from).toBe('Riverside Office <portal@riverside.test>');
    expect(mail!.headers['reply-to']).toBe('office@riverside.test');
    expect(mail!.subject).toBe('Your invitation to the Riverside Rowing Club member portal');
    expect(mail!.text).toContain(`Hello Pat,\n\n${filled.invitationMessage}\n\n`);
    const [invitation] = await app.deps.db.select().from(invitations).orderBy(desc(invitations.id));
    expect(invitation!.expiresAt.getTime() - invitation!.createdAt.getTime()).toBe(10 * DAY);
    // The Email Log shows the message From the sender the settings name.
    const [message] = await app.deps.db.select().from(emailMessages).orderBy(desc(emailMessages.id));
    const logged = readPage((await b.get(`/admin/email-log/${message!.id}`)).body);
    expect(logged.text).toContain('Riverside Office <portal@riverside.test>');
  });

  it('an invitation sent by the command line is sent in the saved organisation name', async () => {
    const { b } = await securityAdmin();
    await b.submit(PAGE, PAGE, { ...filled, invitationMessage: '' });
    const member = await buildMember(app, { email: 'cli@example.test', firstName: 'Cleo' });
    await sendInvitation(app.deps, systemActor('cli'), member.id);
    await deliverDueEmail(app.deps, smtp.mailer);
    // The sink holds the earlier tests' messages too.
    const mail = (await smtp.sink.waitForMessages(1)).find((m) => m.to.includes('cli@example.test'));
    expect(mail!.text).toContain(
      'Riverside Rowing Club invites you to create your login for the Riverside Rowing Club member portal.',
    );
  });

  it('a new password may not be built from the saved organisation name', async () => {
    const { b } = await securityAdmin();
    await b.submit(PAGE, PAGE, { ...filled, orgName: 'Kingfisher Paddlers' });
    const login = await buildLogin(app);
    const change = changeOwnPassword(
      app.deps,
      login.actor,
      { tokenHash: 'not-a-session' },
      { currentPassword: login.password, newPassword: 'KingfisherPaddlers2026!' },
    );
    await expect(change).rejects.toMatchObject({
      field: 'newPassword',
      message: expect.stringContaining("organisation's name"),
    });
  });

  it('a re-enabled invite link takes the saved expiry too', async () => {
    const { sa } = await securityAdmin();
    await saveSettings(app.deps, sa.actor, { ...filled, linkExpiryDays: '3' });
    const member = await buildMember(app);
    await reenableInviteLink(app.deps, sa.actor, member.id);
    const [invitation] = await app.deps.db
      .select()
      .from(invitations)
      .where(eq(invitations.memberId, member.id));
    expect(invitation!.expiresAt.getTime() - app.clock.now().getTime()).toBe(3 * DAY);
  });

  it('only a Security Administrator may save', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    await expect(saveSettings(app.deps, admin.actor, filled)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await readSettings(app.deps)).orgName).toBe('Riverside Rowing');
  });
});
