import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/domain/accounts/passwords.ts';
import { normaliseUsername, USERNAME_RULE } from '../../src/domain/accounts/usernames.ts';
import { parseRosterCsv } from '../../src/domain/members/parseRosterCsv.ts';
import { issueSetupToken } from '../../src/domain/setup/firstRunSetup.ts';
import { ChoosePasswordPage } from '../../src/http/pages/home/ChoosePasswordPage.tsx';
import { InviteWelcomePage } from '../../src/http/pages/invite/InvitePages.tsx';
import { ResetPasswordPage } from '../../src/http/pages/selfService/ResetPasswordPages.tsx';
import { SetupPage } from '../../src/http/pages/setup/SetupPage.tsx';
import { plural } from '../../src/http/ui/format.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

const ctx = {
  orgName: 'Test Org',
  csrfToken: 'token',
  passwordMinLength: 12,
  publicUrl: 'http://portal.test',
  user: null,
};

describe('The login form left empty', () => {
  it('names each field that is missing, next to the field', async () => {
    const b = browser(await app.server());
    const res = await b.submit('/login', '/login', { username: '', password: '' });
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.errorFor('Username')).toBe('Enter your username.');
    expect(page.errorFor('Password')).toBe('Enter your password.');
    expect(page.alert()).toMatch(/Enter your username\..*Enter your password\./);
  });

  it('keeps the username when only the password is missing, and does not say "do not match"', async () => {
    const b = browser(await app.server());
    const page = readPage((await b.submit('/login', '/login', { username: 'pat', password: '' })).body);
    expect(page.errorFor('Password')).toBe('Enter your password.');
    expect(page.valueOf('Username')).toBe('pat');
    expect(page.text).not.toContain('do not match');
  });
});

describe('Where a login lands', () => {
  it('takes an administrator to Admin, and a member to the front door (their home page)', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    const member = await buildLogin(app, { role: 'member' });
    const a = browser(await app.server());
    expect((await a.logIn(admin.username, admin.password)).headers.location).toBe('/admin');
    const m = browser(await app.server());
    expect((await m.logIn(member.username, member.password)).headers.location).toBe('/'); // then /home
  });

  it('follows a safe next for an administrator, and ignores an unsafe one', async () => {
    // An Administrator: a Security Administrator's password step leads to /login/verify (twoStep*.test.ts).
    const admin = await buildLogin(app, { role: 'admin' });
    const safe = browser(await app.server());
    const next = '/admin/member-management';
    const res = await safe.submit(`/login?next=${encodeURIComponent(next)}`, '/login', {
      username: admin.username,
      password: admin.password,
      next,
    });
    expect(res.headers.location).toBe(next);
    const unsafe = browser(await app.server());
    const away = await unsafe.submit('/login', '/login', {
      username: admin.username,
      password: admin.password,
      next: 'https://evil.example/admin',
    });
    expect(away.headers.location).toBe('/admin');
    // Signed in already, the login page sends an administrator on to Admin too.
    expect((await unsafe.get('/login')).headers.location).toBe('/admin');
  });
});

describe('The username rule', () => {
  it('accepts accented letters, as typed or decomposed, and says so', () => {
    expect(normaliseUsername('Zoë')).toBe('Zoë');
    expect(normaliseUsername('Zoe\u0308')).toBe('Zoë');
    expect(normaliseUsername('q\u0303uinn')).toBe('q\u0303uinn');
    expect(USERNAME_RULE).toContain('letters (including accented ones)');
    expect(() => normaliseUsername('zoë smith')).toThrow(/^Use letters \(including accented ones\), digits/);
    expect(() => normaliseUsername('\u0308zoe')).toThrow(/including accented ones/);
  });

  it('is the rule the invitation page states under Username', () => {
    const html = renderToString(
      h(InviteWelcomePage, {
        ctx,
        firstName: 'Zoë',
        expiresAt: new Date('2026-02-01T00:00:00Z'),
        replacesLogin: false,
        target: { action: '/invite/x', hidden: {} },
      }),
    );
    expect(readPage(html).descriptionOf('Username')).toBe(USERNAME_RULE);
  });
});

describe('Field names in messages', () => {
  it('are the names on the setup form: "First name is required", not first_name', async () => {
    const token = (await issueSetupToken(app.deps))!;
    const b = browser(await app.server());
    const fields = { token, firstName: ' ', lastName: '', email: '', username: 'ada', password: 'x' };
    const page = readPage((await b.submit(`/setup?token=${token}`, '/setup', fields)).body);
    expect(page.errorFor('First name')).toBe('First name is required');
    expect(page.errorFor('Last name')).toBe('Last name is required');
    expect(page.errorFor('Email')).toBe('Email is required');
    expect(page.text).not.toMatch(/first_name|last_name/);
  });

  it("are the names people read in an import's problems too", async () => {
    const csv =
      'member_number,first_name,last_name,email,status\nM1,,Quinn,zoe@example.org,retired\nM1,Zoë,Quinn,z@example.org,\n';
    const { problems } = await parseRosterCsv(csv);
    expect(problems.map((p) => p.message)).toEqual([
      'First name is required; Status "retired" must be current or lapsed',
      'Member number "M1" is also on line 2',
    ]);
  });
});

describe('plural', () => {
  it('agrees the noun with the count', () => {
    expect(plural(0, 'member', 'members')).toBe('0 members');
    expect(plural(1, 'member', 'members')).toBe('1 member');
    expect(plural(1, 'failed delivery needs', 'failed deliveries need')).toBe('1 failed delivery needs');
    expect(plural(12345, 'login', 'logins')).toBe('12,345 logins');
  });
});

describe('The password rules on the pages where a password is chosen', () => {
  it("are the server's rules, with the portal's minimum length, on every such page", () => {
    const strict = { ...ctx, passwordMinLength: 14 };
    const welcome = {
      firstName: 'Zoë',
      expiresAt: new Date('2026-02-01T00:00:00Z'),
      replacesLogin: false,
      target: { action: '/invite/x', hidden: {} },
    };
    const pages: [string, string][] = [
      [renderToString(h(InviteWelcomePage, { ctx: strict, ...welcome })), 'Password'],
      [renderToString(h(ChoosePasswordPage, { ctx: strict })), 'New password'],
      [renderToString(h(ResetPasswordPage, { ctx: strict, action: '/r', username: 'zoe' })), 'New password'],
      [renderToString(h(SetupPage, { ctx: strict, token: 't' })), 'Password'],
    ];
    // The length the server refuses below is the length the pages state.
    expect(passwordProblem('a'.repeat(13), { passwordMinLength: 14 }, [])).toBe(
      'Use at least 14 characters.',
    );
    for (const [html, label] of pages) {
      const page = readPage(html);
      expect(page.descriptionOf(label)).toMatch(
        /^Your password needs to be: .*At least 14 characters \(at most 256\)/,
      );
      expect(page.descriptionOf(label)).toContain('Not built from your name, username or email address');
      // Hidden until the script runs: without JavaScript there is nothing to press.
      const toggle = page.getByText('Show password');
      expect(toggle.tagName).toBe('BUTTON');
      expect([toggle.getAttribute('aria-pressed'), toggle.hasAttribute('hidden')]).toEqual(['false', true]);
    }
  });
});
