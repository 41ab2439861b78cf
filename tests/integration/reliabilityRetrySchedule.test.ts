import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { emailMessages } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { useSmtpSink } from '../smtpSink.ts';

/** Issue 10 item 7: the retry schedule comes from EMAIL_RETRY_MINUTES, not from code. */
const app = useTestApp({ EMAIL_RETRY_MINUTES: '2, 10' });
const smtp = useSmtpSink();

describe('EMAIL_RETRY_MINUTES', () => {
  it('defaults to 1, 5, 15, 60 and 180 minutes (six attempts)', () => {
    expect(loadConfig({}).emailRetryDelaysMs).toEqual([1, 5, 15, 60, 180].map((m) => m * 60_000));
    expect(loadConfig({ EMAIL_RETRY_MINUTES: '0.5' }).emailRetryDelaysMs).toEqual([30_000]);
  });

  it('refuses a value that is not a list of waits, saying what it expects', () => {
    for (const bad of ['soon', '1,,5', '0', '-1', Array(21).fill('1').join(',')]) {
      let error: unknown;
      try {
        loadConfig({ EMAIL_RETRY_MINUTES: bad });
      } catch (err) {
        error = err;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n'), bad).toMatch(
        /^EMAIL_RETRY_MINUTES: .*(minutes|wait)/,
      );
    }
  });

  it('waits as configured after each temporary failure and gives up after one attempt more than waits', async () => {
    const member = await buildMember(app, { email: 'greylisted@example.org' });
    smtp.sink.respondTo.set('greylisted@example.org', { code: 451, message: 'Greylisted' });
    await sendInvitation(app.deps, (await buildLogin(app, { role: 'admin' })).actor, member.id);
    const message = async () =>
      (await app.deps.db.select().from(emailMessages).where(eq(emailMessages.memberId, member.id)))[0]!;
    const start = app.clock.now().getTime();

    await deliverDueEmail(app.deps, smtp.mailer);
    expect(await message()).toMatchObject({ state: 'deferred', attempts: 1 });
    expect((await message()).nextAttemptAt?.getTime()).toBe(start + 2 * 60_000);

    app.clock.advance(2 * 60_000);
    await deliverDueEmail(app.deps, smtp.mailer);
    expect(await message()).toMatchObject({ state: 'deferred', attempts: 2 });
    expect((await message()).nextAttemptAt?.getTime()).toBe(start + 12 * 60_000);

    app.clock.advance(10 * 60_000);
    await deliverDueEmail(app.deps, smtp.mailer);
    expect(await message()).toMatchObject({ state: 'failed', attempts: 3, nextAttemptAt: null });
    smtp.sink.respondTo.delete('greylisted@example.org');
  });
});
