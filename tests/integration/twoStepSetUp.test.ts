import { describe, expect, it } from 'vitest';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import {
  auditActions,
  codesOnPage,
  emailsOfKind,
  keyOnPage,
  passwordStep,
  setUpAuthenticator,
  typeCode,
} from './twoStep.helpers.ts';

const app = useTestApp();

describe('setting up two-step verification at /home/security', () => {
  it('shows a QR code and the key as text, turns the app on with a right code, and shows ten codes once', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    const page = await b.get('/home/security');
    const security = readPage(page.body);
    security.getByRole('heading', { level: 2, name: 'Authenticator app' });
    security.getByRole('heading', { level: 2, name: 'Recovery codes' });
    security.getByRole('img', { name: 'QR code for your authenticator app' });
    expect(keyOnPage(page.body)).toMatch(/^[A-Z2-7]{32}$/);
    // The same key on a reload: the app may be scanned while the page is open twice.
    expect(keyOnPage((await b.get('/home/security')).body)).toBe(keyOnPage(page.body));

    const wrong = await b.submit('/home/security', '/home/security/authenticator', { code: '123456' });
    expect(readPage(wrong.body).errorFor('Code')).toMatch(/does not match/);
    const { codes, done } = await setUpAuthenticator(app, b);
    expect(done.statusCode).toBe(200);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    // Shown once: the page afterwards counts them and offers new ones, and never shows these again.
    const after = await b.get('/home/security');
    expect(after.body).not.toContain(codes[0]);
    expect(readPage(after.body).getByRole('button', { name: 'Regenerate recovery codes' })).toBeTruthy();
    expect(await emailsOfKind(app, 'second_step_added')).toHaveLength(1);
    expect(await auditActions(app, 'two_step.authenticator_added')).toHaveLength(1);

    const regenerated = await b.submit('/home/security', '/home/security/recovery-codes', {});
    const fresh = codesOnPage(regenerated.body);
    expect(fresh).toHaveLength(10);
    // The old codes stopped working.
    const c = browser(await app.server());
    await passwordStep(c, member.username, member.password);
    expect((await typeCode(c, codes[0]!)).statusCode).toBe(401);
    expect((await typeCode(c, fresh[0]!)).statusCode).toBe(303);
  });

  it('lets a member remove the app (confirmed), emailed; a Security Administrator may not remove her only one', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    await setUpAuthenticator(app, b);
    const unconfirmed = await b.submit('/home/security', '/home/security/authenticator/remove', {});
    expect(readPage(unconfirmed.body).alert()).toMatch(/Tick the box/);
    const removed = await b.submit('/home/security', '/home/security/authenticator/remove', {
      confirm: 'yes',
    });
    expect(removed.headers.location).toBe('/home/security?removed=1');
    expect(await emailsOfKind(app, 'second_step_removed')).toHaveLength(1);
    expect(
      (await passwordStep(browser(await app.server()), member.username, member.password)).headers.location,
    ).toBe('/');

    const boss = await buildLogin(app, { role: 'security_admin' });
    const s = browser(await app.server());
    await s.logIn(boss.username, boss.password);
    const refused = await s.submit('/home/security', '/home/security/authenticator/remove', {
      confirm: 'yes',
    });
    expect(refused.statusCode).toBe(403);
  });

  it('takes a Security Administrator without a second step to set one up before anything else', async () => {
    const boss = await buildLogin(app, { role: 'security_admin', secondStep: false });
    const b = browser(await app.server());
    expect((await b.logIn(boss.username, boss.password)).headers.location).toBe('/admin');
    for (const url of ['/admin', '/admin/members', '/admin/audit-log', '/home']) {
      const res = await b.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/home/security?next=${encodeURIComponent(url)}`);
    }
    const page = readPage((await b.get('/home/security?next=%2Fadmin%2Faudit-log')).body);
    expect(page.status()).toMatch(/requires two-step verification/);
    // A form posted from elsewhere is refused.
    const post = await b.submit('/home/security', '/admin/settings/two-step', { requireForAdmins: 'on' });
    expect(post.statusCode).toBe(403);

    const { done } = await setUpAuthenticator(app, b, '/home/security?next=%2Fadmin%2Faudit-log');
    expect(readPage(done.body).link('Continue')).toBe('/admin/audit-log');
    expect((await b.get('/admin/audit-log')).statusCode).toBe(200);
  });

  it('requires it of Administrators once the organisation setting is ticked', async () => {
    const boss = await buildLogin(app, { role: 'security_admin' });
    const admin = await buildLogin(app, { role: 'admin' });
    const a = browser(await app.server());
    await a.logIn(admin.username, admin.password);
    expect((await a.get('/admin')).statusCode).toBe(200);

    const s = browser(await app.server());
    await s.logIn(boss.username, boss.password);
    const settings = readPage((await s.get('/admin/settings')).body);
    expect(settings.field('Require two-step verification for Administrators').checked).toBe(false);
    await s.submit('/admin/settings', '/admin/settings/two-step', { requireForAdmins: 'on' });
    expect(
      readPage((await s.get('/admin/settings')).body).field(
        'Require two-step verification for Administrators',
      ).checked,
    ).toBe(true);
    expect(await auditActions(app, 'settings.changed')).toHaveLength(1);

    expect((await a.get('/admin')).headers.location).toBe('/home/security?next=%2Fadmin');
    await setUpAuthenticator(app, a);
    expect((await a.get('/admin')).statusCode).toBe(200);
  });

  it('lets a Security Administrator reset a lost second step: sessions end, the person is emailed, audited', async () => {
    const boss = await buildLogin(app, { role: 'security_admin' });
    const member = await buildLogin(app);
    const m = browser(await app.server());
    await m.logIn(member.username, member.password);
    await setUpAuthenticator(app, m);

    const s = browser(await app.server());
    await s.logIn(boss.username, boss.password);
    const profile = `/admin/members/${member.memberId}`;
    readPage((await s.get(profile)).body).getByRole('button', { name: 'Reset second step' });
    const reset = await s.submit(profile, `${profile}/reset-second-step`, { confirm: 'yes' });
    expect(reset.headers.location).toBe(`${profile}?done=second-step-reset`);
    expect(await emailsOfKind(app, 'second_step_removed')).toHaveLength(1);
    expect(await auditActions(app, 'two_step.reset')).toHaveLength(1);
    expect((await m.get('/home')).statusCode).toBe(302); // the member's session ended
    expect(
      (await passwordStep(browser(await app.server()), member.username, member.password)).headers.location,
    ).toBe('/');
    // Not her own: that is what recovery codes are for.
    const own = await s.submit(
      `/admin/members/${boss.memberId}`,
      `/admin/members/${boss.memberId}/reset-second-step`,
      { confirm: 'yes' },
    );
    expect(own.statusCode).toBe(403);
  });
});
