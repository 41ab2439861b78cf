import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents, emailMessages, invitations, members } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { reenableInviteLink } from '../../src/domain/invitations/reenableInviteLink.ts';
import { browser, buildLogin, buildMember, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { useSmtpSink } from '../smtpSink.ts';

const app = useTestApp();
const smtp = useSmtpSink({ MAIL_FROM: 'Portal <portal@example.org>' });

const linkIn = (text: string) => /http:\/\/portal\.test\/invite\/([\w-]+)/.exec(text)?.[1];
const codeIn = (text: string) => /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)?.[1];

async function inviteByEmail(memberId: number) {
  const admin = await buildLogin(app, { role: 'admin' });
  const before = smtp.sink.messages.length;
  await sendInvitation(app.deps, admin.actor, memberId);
  await deliverDueEmail(app.deps, smtp.mailer);
  const [mail] = await smtp.sink.waitForMessages(before + 1).then((all) => all.slice(before));
  return { mail: mail!, token: linkIn(mail!.text)!, code: codeIn(mail!.text)!, admin };
}

describe('Login from invite link', () => {
  it('emails a link that opens a welcome page, creates the login and signs the member in', async () => {
    const member = await buildMember(app, { firstName: 'Grace' });
    const { mail, token, code } = await inviteByEmail(member.id);
    expect(mail.to).toEqual([member.email]);
    expect(mail.html).toContain(`/invite/${token}`);
    expect(mail.text).toContain(code);

    const b = browser(await app.server());
    const server = await app.server();
    // Mail scanners open links: GET and HEAD must not use up the invitation.
    expect((await server.inject({ method: 'HEAD', url: `/invite/${token}` })).statusCode).toBe(200);
    const page = readPage((await b.get(`/invite/${token}`)).body);
    page.getByRole('heading', { level: 1, name: 'Welcome, Grace' });
    const form = page.getByRole('button', { name: 'Create login' }).closest('form')!;
    expect([form.getAttribute('method'), form.getAttribute('action')]).toEqual(['post', `/invite/${token}`]);
    expect(page.valueOf('Username')).toBe('');

    const res = await b.submit(`/invite/${token}`, `/invite/${token}`, {
      username: 'grace',
      password: GOOD_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    expect(readPage((await b.get('/home')).body).text).toContain('Welcome, Grace');
    const [row] = await app.deps.db.select().from(members).where(eq(members.id, member.id));
    expect(row?.hasLogin).toBe(true);
    expect(row?.invitationsSent).toBe(1);
    expect(row?.deliveryState).toBe('sent');
    const open = await app.deps.db.select().from(invitations).where(eq(invitations.memberId, member.id));
    expect(open.every((i) => i.usedAt !== null)).toBe(true);
    const actions = (await app.deps.db.select().from(auditEvents)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.send', 'invitation.accepted']));

    // The link is now used: it says so before asking for anything.
    const again = await browser(server).get(`/invite/${token}`);
    expect(again.statusCode).toBe(410);
    readPage(again.body).getByRole('heading', { level: 1, name: 'This invitation has already been used' });
  });

  it('keeps no secret in the Email Log once mail went to a real server', async () => {
    const member = await buildMember(app);
    const { token, code } = await inviteByEmail(member.id);
    const [stored] = await app.deps.db
      .select()
      .from(emailMessages)
      .where(eq(emailMessages.memberId, member.id));
    expect(stored?.state).toBe('sent');
    expect(stored?.textBody).not.toContain(token);
    expect(stored?.textBody).not.toContain(code);
    const [invitation] = await app.deps.db
      .select()
      .from(invitations)
      .where(eq(invitations.memberId, member.id));
    expect(invitation?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(invitation?.tokenHash).not.toContain(token);
  });

  it('keeps earlier links working until the member creates a login', async () => {
    const member = await buildMember(app);
    const first = await inviteByEmail(member.id);
    const second = await inviteByEmail(member.id);
    const b = browser(await app.server());
    expect((await b.get(`/invite/${first.token}`)).statusCode).toBe(200);
    expect((await b.get(`/invite/${second.token}`)).statusCode).toBe(200);
    await b.submit(`/invite/${first.token}`, `/invite/${first.token}`, {
      username: 'early',
      password: GOOD_PASSWORD,
    });
    expect((await browser(await app.server()).get(`/invite/${second.token}`)).statusCode).toBe(410);
  });

  it('keeps the token and the typed username when the form is refused', async () => {
    const member = await buildMember(app);
    await buildLogin(app, { username: 'taken' });
    const { token } = await inviteByEmail(member.id);
    const b = browser(await app.server());
    const taken = await b.submit(`/invite/${token}`, `/invite/${token}`, {
      username: 'TAKEN',
      password: GOOD_PASSWORD,
    });
    expect(taken.statusCode).toBe(400);
    const refused = readPage(taken.body);
    expect(refused.errorFor('Username')).toMatch(/^That username is taken/);
    expect(refused.valueOf('Username')).toBe('TAKEN');
    const form = refused.getByRole('button', { name: 'Create login' }).closest('form')!;
    expect(form.getAttribute('action')).toBe(`/invite/${token}`);
    const weak = await b.submit(`/invite/${token}`, `/invite/${token}`, {
      username: 'fine',
      password: 'password1234',
    });
    expect(readPage(weak.body).errorFor('Password')).toBeTruthy();
    expect(await app.deps.db.select().from(accounts).where(eq(accounts.memberId, member.id))).toHaveLength(0);
  });

  it('creates exactly one login when the form is submitted twice at once', async () => {
    const member = await buildMember(app);
    const { token } = await inviteByEmail(member.id);
    const server = await app.server();
    const one = browser(server);
    const two = browser(server);
    await Promise.all([one.get(`/invite/${token}`), two.get(`/invite/${token}`)]);
    const results = await Promise.all([
      one.submit(`/invite/${token}`, `/invite/${token}`, { username: 'racer1', password: GOOD_PASSWORD }),
      two.submit(`/invite/${token}`, `/invite/${token}`, { username: 'racer2', password: GOOD_PASSWORD }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 410]);
    expect(await app.deps.db.select().from(accounts).where(eq(accounts.memberId, member.id))).toHaveLength(1);
  });

  it('says an expired link has expired and emails a fresh one to the roster address only', async () => {
    const member = await buildMember(app);
    const { token } = await inviteByEmail(member.id);
    app.clock.advance(app.config.inviteExpiryMs + 1000);
    const b = browser(await app.server());
    const page = await b.get(`/invite/${token}`);
    expect(page.statusCode).toBe(410);
    const expired = readPage(page.body);
    expired.getByRole('heading', { level: 1, name: 'This invitation has expired' });
    expect(expired.queryByLabelText('Password')).toBeNull();
    expect(expired.container.querySelector('input[name=password]')).toBeNull();

    const before = smtp.sink.messages.length;
    const fresh = await b.submit(`/invite/${token}`, `/invite/${token}/fresh`, {});
    readPage(fresh.body).getByRole('heading', { level: 1, name: 'Check your email' });
    await deliverDueEmail(app.deps, smtp.mailer);
    const [mail] = (await smtp.sink.waitForMessages(before + 1)).slice(before);
    expect(mail?.to).toEqual([member.email]);
    // Asking again straight away answers the same, but sends nothing more.
    const repeat = await b.submit(`/invite/${token}`, `/invite/${token}/fresh`, {});
    expect(repeat.body).toBe(fresh.body);
    await deliverDueEmail(app.deps, smtp.mailer);
    expect(smtp.sink.messages.length).toBe(before + 1);
    // An unknown token gets the same answer and sends nothing.
    const unknown = await b.submit('/invite', '/invite/not-a-real-token/fresh', {});
    readPage(unknown.body).getByRole('heading', { level: 1, name: 'Check your email' });
  });

  it('accepts the typed code with the member number or email, and rate limits wrong codes', async () => {
    const member = await buildMember(app, { firstName: 'Typed' });
    const { code } = await inviteByEmail(member.id);
    const b = browser(await app.server());
    const wrong = await b.submit('/invite', '/invite', {
      code: 'AAAA-AAAA',
      identifier: member.memberNumber,
    });
    expect(wrong.statusCode).toBe(400);
    expect(readPage(wrong.body).errorFor('Invitation code')).toMatch(/^That code does not match/);
    const right = await b.submit('/invite', '/invite', {
      code: code.toLowerCase(),
      identifier: member.email.toUpperCase(),
    });
    readPage(right.body).getByRole('heading', { level: 1, name: 'Welcome, Typed' });
    const created = await b.submit('/invite', '/invite/code', {
      code,
      identifier: member.memberNumber,
      username: 'typed',
      password: GOOD_PASSWORD,
    });
    expect(created.statusCode).toBe(303);

    const other = await buildMember(app);
    for (let i = 0; i < 5; i++)
      await b.submit('/invite', '/invite', { code: `BBBB-BBB${i + 2}`, identifier: other.email });
    const limited = await b.submit('/invite', '/invite', { code: 'CCCC-CCCC', identifier: other.email });
    expect(limited.statusCode).toBe(429);
  });
});

describe('Re-enable Invite Link', () => {
  it('revokes older links and issues one that works, saying so', async () => {
    const member = await buildMember(app);
    const { token: old } = await inviteByEmail(member.id);
    const security = await buildLogin(app, { role: 'security_admin' });
    const result = await reenableInviteLink(app.deps, security.actor, member.id);
    expect(result.revokedCount).toBe(1);
    expect(result.replacesLogin).toBe(false);
    const b = browser(await app.server());
    const oldPage = await b.get(`/invite/${old}`);
    readPage(oldPage.body).getByRole('heading', { level: 1, name: 'This invitation has been replaced' });
    const fresh = result.link.replace('http://portal.test', '');
    readPage((await b.get(fresh)).body).getByRole('heading', { level: 1, name: /^Welcome, / });
    await expect(
      reenableInviteLink(app.deps, (await buildLogin(app, { role: 'admin' })).actor, member.id),
    ).rejects.toThrow('Security Administrator');
  });

  it('for a member with a login, keeps the old login working until the new link is completed', async () => {
    const member = await buildLogin(app, { role: 'member', username: 'oldname' });
    const security = await buildLogin(app, { role: 'security_admin' });
    const { link } = await reenableInviteLink(app.deps, security.actor, member.memberId);
    const server = await app.server();
    expect((await browser(server).logIn('oldname', member.password)).statusCode).toBe(303);
    const path = link.replace('http://portal.test', '');
    const b = browser(server);
    expect(readPage((await b.get(path)).body).text).toContain(
      'You already have a login. Completing this form replaces your current username and password.',
    );
    await b.submit(path, path, { username: 'newname', password: 'brand new passphrase 9' });
    expect((await browser(server).logIn('oldname', member.password)).statusCode).toBe(401);
    expect((await browser(server).logIn('newname', 'brand new passphrase 9')).statusCode).toBe(303);
  });
});
