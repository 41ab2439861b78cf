import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../src/db/schema.ts';
import { changeOwnPassword } from '../../src/domain/accounts/changeOwnPassword.ts';
import { chooseRequiredPassword } from '../../src/domain/accounts/chooseRequiredPassword.ts';
import { issuePasswordResets } from '../../src/domain/accounts/passwordResets.ts';
import { passwordProblem, personalWords } from '../../src/domain/accounts/passwords.ts';
import { resetPassword } from '../../src/domain/accounts/resetPassword.ts';
import { setTemporaryPassword } from '../../src/domain/accounts/setTemporaryPassword.ts';
import { acceptInvitation } from '../../src/domain/invitations/acceptInvitation.ts';
import { issueInvitations } from '../../src/domain/invitations/issueInvitations.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { createAdmin } from '../../src/domain/setup/createAdmin.ts';
import { completeSetup, issueSetupToken } from '../../src/domain/setup/firstRunSetup.ts';
import { buildLogin, buildMember, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp({ ORG_NAME: 'Riverside Rowing Club' });
const client = { ip: '192.0.2.1', userAgent: null };
const margaret = {
  firstName: 'Margaret',
  lastName: 'Hamilton',
  username: 'mhamilton',
  email: 'margaret.hamilton@example.org',
};

/** The field error a use-case refused the password with (fails the test when it was accepted). */
async function refusal(attempt: Promise<unknown>) {
  const e = (await attempt.then(
    () => null,
    (err: unknown) => err,
  )) as { code?: string; field?: string; message?: string } | null;
  expect(e, 'the password was accepted').not.toBeNull();
  expect(e!.code).toBe('validation');
  return { field: e!.field, message: e!.message ?? '' };
}

// Item 12 of issue 9: these were accepted. zxcvbn now knows the person, the organisation and the portal.
describe('choosing a password', () => {
  const rules = () => app.config;
  const words = personalWords(margaret);

  it('refuses a season and a year, the product name with a year, and the own name with digits', () => {
    for (const weak of [
      'Summer2024!!',
      'Gatehouse2026!',
      'MargaretHamilton1936',
      'Hamilton1936!!',
      'Margaret Hamilton 1936',
      'mhamilton2024!!',
      'RiversideRowing2026!',
    ]) {
      expect(passwordProblem(weak, rules(), words), weak).toMatch(/^This password is too easy to guess: /);
    }
  });

  it('says why, in plain words', () => {
    expect(passwordProblem('MargaretHamilton1936', rules(), words)).toContain('your name, username or email');
    expect(passwordProblem('RiversideRowing2026!', rules(), words)).toContain("organisation's name");
    expect(passwordProblem('Summer2024!!', rules(), words)).toContain('year');
  });

  it('accepts a phrase of unrelated words', () => {
    for (const good of [GOOD_PASSWORD, 'compiler moth nanosecond 1952', 'kettle orbit saffron lane']) {
      expect(passwordProblem(good, rules(), words), good).toBeNull();
    }
  });

  it('is checked wherever a password is chosen, with the person and the organisation known', async () => {
    // First-run setup and `gatehouse admin create`.
    const setupToken = (await issueSetupToken(app.deps))!;
    expect(
      (await refusal(completeSetup(app.deps, setupToken, { ...margaret, password: 'Summer2024!!' }, client)))
        .field,
    ).toBe('password');
    expect(
      (
        await refusal(
          createAdmin(app.deps, systemActor(), {
            ...margaret,
            role: 'admin',
            password: 'RiversideRowing2026!',
          }),
        )
      ).message,
    ).toContain("organisation's name");

    // Accepting an invitation.
    const member = await buildMember(app, { firstName: 'Margaret', lastName: 'Hamilton' });
    const [invitation] = await issueInvitations(
      app.deps.db,
      [{ memberId: member.id, roundId: null, replacesLogin: false }],
      { now: app.clock.now(), expiryMs: 86_400_000 },
    );
    const accepted = acceptInvitation(
      app.deps,
      { token: invitation!.token },
      { username: 'maggie', password: 'MargaretHamilton1936' },
      client,
    );
    expect((await refusal(accepted)).message).toContain('your name');

    // A Security Administrator's temporary password, then the member's own choices.
    const admin = await buildLogin(app, { role: 'security_admin' });
    const login = await buildLogin(app);
    const [row] = await app.deps.db.select().from(accounts).where(eq(accounts.id, login.accountId));
    const ownName = `${login.username}2024!!`;
    const input = { memberId: row!.memberId, newPassword: 'Gatehouse2026!' };
    expect((await refusal(setTemporaryPassword(app.deps, admin.actor, input))).field).toBe('newPassword');
    const session = { tokenHash: 'not-a-session' };
    const change = { currentPassword: login.password, newPassword: ownName };
    expect((await refusal(changeOwnPassword(app.deps, login.actor, session, change))).field).toBe(
      'newPassword',
    );
    await app.deps.db
      .update(accounts)
      .set({ mustChangePassword: true })
      .where(eq(accounts.id, login.accountId));
    const chosen = chooseRequiredPassword(app.deps, login.actor, session, { newPassword: 'Summer2024!!' });
    expect((await refusal(chosen)).field).toBe('newPassword');

    // A reset link: refused, and the link still works for a good one.
    const [link] = await issuePasswordResets(app.deps.db, [login.accountId], app.clock.now());
    const reset = resetPassword(app.deps, link!.token, { newPassword: 'Summer2024!!' }, client);
    expect((await refusal(reset)).field).toBe('newPassword');
    await resetPassword(app.deps, link!.token, { newPassword: 'kettle orbit saffron lane' }, client);
  });
});
