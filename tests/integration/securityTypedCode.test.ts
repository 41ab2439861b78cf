import { describe, expect, it } from 'vitest';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { checkTypedCode } from '../../src/domain/invitations/checkTypedCode.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { isAppError } from '../../src/errors.ts';
import { browser, buildLogin, buildMember, csrfFrom, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { useSmtpSink } from '../smtpSink.ts';

// The in-memory flood limit on public forms is raised: these tests are about the database throttles.
const app = useTestApp({ PUBLIC_POSTS_PER_MINUTE: '10000' });
const smtp = useSmtpSink({ MAIL_FROM: 'Portal <portal@example.org>' });

/** A member invited by email, and the typed code from that email. */
async function invitedMember() {
  const member = await buildMember(app, { firstName: 'Coded' });
  const admin = await buildLogin(app, { role: 'admin' });
  const before = smtp.sink.messages.length;
  await sendInvitation(app.deps, admin.actor, member.id);
  await deliverDueEmail(app.deps, smtp.mailer);
  const [mail] = (await smtp.sink.waitForMessages(before + 1)).slice(before);
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(mail!.text)![1]!;
  return { member, code };
}

/** A wrong code that differs from the right one. */
const wrongCode = (code: string, i: number) => {
  const guess = `${String(i).padStart(4, '2').replace(/[01]/g, '3')}-WXYZ`;
  return guess === code ? 'ZZZZ-ZZZZ' : guess;
};

describe('the typed invitation code', () => {
  it('creating a login with a code (POST /invite/code) is throttled: a right code in a burst of wrong ones does not work', async () => {
    const { member, code } = await invitedMember();
    const server = await app.server();
    const b = browser(server);
    const page = await b.get('/invite');
    const post = (typed: string, i: number) =>
      server.inject({
        method: 'POST',
        url: '/invite/code',
        remoteAddress: '198.51.100.9',
        headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfFrom(page.body),
          code: typed,
          identifier: member.memberNumber,
          username: `coded${i}`,
          password: GOOD_PASSWORD,
        }).toString(),
      });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(i === 100 ? code : wrongCode(code, i), i)),
    );
    // A wrong code answers "not valid" (404); a refused one says to wait. At most five were compared.
    const compared = answers.filter((r) => !r.body.includes('Too many tries'));
    expect(compared.length).toBeLessThanOrEqual(5);
    expect(answers[100]!.statusCode).not.toBe(303);
    const refused = await post(code, 999);
    expect(readPage(refused.body).alert()).toContain('Too many tries');
    expect(refused.statusCode).toBe(429);
  });

  it('checking a code (POST /invite) counts every attempt before comparing, even in parallel', async () => {
    const { member, code } = await invitedMember();
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        checkTypedCode(
          app.deps,
          { code: i === 30 ? code : wrongCode(code, i), identifier: member.email },
          '192.0.2.8',
        )
          .then(() => 'ok')
          .catch((e) => (isAppError(e) ? e.code : 'error')),
      ),
    );
    expect(outcomes.filter((o) => o !== 'rate_limited').length).toBeLessThanOrEqual(5);
    expect(outcomes[30]).toBe('rate_limited');
    // The limit is per email/member number, so another address does not get five more for this member.
    const elsewhere = checkTypedCode(app.deps, { code, identifier: member.email }, '192.0.2.200');
    await expect(elsewhere).rejects.toMatchObject({ code: 'rate_limited' });
    app.clock.advance(16 * 60_000);
    await expect(
      checkTypedCode(app.deps, { code, identifier: member.email }, '192.0.2.8'),
    ).resolves.toMatchObject({
      memberId: member.id,
    });
  });

  it('an unknown email or member number is counted and answered like a wrong code', async () => {
    const { member, code } = await invitedMember();
    const answer = (identifier: string) =>
      checkTypedCode(app.deps, { code, identifier }, '192.0.2.9').catch((e: Error) => e.message);
    const unknown = await answer('nobody@example.org');
    const wrongMember = await checkTypedCode(
      app.deps,
      { code: 'ZZZZ-ZZZZ', identifier: member.email },
      '192.0.2.9',
    ).catch((e: Error) => e.message);
    expect(unknown).toBe(wrongMember);
    for (let i = 0; i < 4; i++) await answer('nobody@example.org');
    expect(await answer('nobody@example.org')).toContain('Too many tries');
  });
});
