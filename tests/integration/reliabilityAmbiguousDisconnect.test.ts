import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emailMessages, invitations, members } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { findInvitationByToken } from '../../src/domain/invitations/findInvitation.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { useSmtpSink } from '../smtpSink.ts';

/**
 * Issue 10 item 5 (RFC 1047): the mail server receives the whole message, then the connection is lost
 * before its "250". The message is retried, but the first copy may have arrived: its link is not revoked,
 * both links work until the member creates a login, and the member's record says so.
 */
const app = useTestApp();
const smtp = useSmtpSink();

const tokenIn = (text: string) => /\/invite\/([\w-]{43})/.exec(text)?.[1];

describe('a connection lost after the message data, before the answer', () => {
  it('retries without revoking the copy that may have arrived, and says a second copy may have been sent', async () => {
    const member = await buildMember(app, { email: 'cut@example.org' });
    smtp.sink.respondTo.set('cut@example.org', { dropAfterData: true });
    await sendInvitation(app.deps, (await buildLogin(app, { role: 'admin' })).actor, member.id);
    await deliverDueEmail(app.deps, smtp.mailer);

    const message = async () =>
      (await app.deps.db.select().from(emailMessages).where(eq(emailMessages.memberId, member.id)))[0]!;
    const memberRow = async () =>
      (await app.deps.db.select().from(members).where(eq(members.id, member.id)))[0]!;
    expect(await message()).toMatchObject({ state: 'deferred', attempts: 1, mayHaveArrived: true });
    expect((await message()).lastError).toContain('may have arrived');
    expect((await memberRow()).deliveryDetail).toContain('may have arrived');
    const first = smtp.sink.messages.filter((m) => m.to.includes('cut@example.org'));
    expect(first).toHaveLength(1); // the server had it

    smtp.sink.respondTo.delete('cut@example.org');
    app.clock.advance(61_000);
    await deliverDueEmail(app.deps, smtp.mailer);
    expect(await message()).toMatchObject({ state: 'sent', attempts: 2, mayHaveArrived: true });
    // The member's invitation history (profile) and the Invitation Codes summary both say so.
    expect((await message()).lastError).toContain('two copies');
    const row = await memberRow();
    expect(row.deliveryState).toBe('sent');
    expect(row.deliveryDetail).toContain('two copies');

    const copies = smtp.sink.messages.filter((m) => m.to.includes('cut@example.org'));
    expect(copies).toHaveLength(2);
    const issued = await app.deps.db.select().from(invitations).where(eq(invitations.memberId, member.id));
    expect(issued.map((i) => i.revokedAt)).toEqual([null, null]);
    for (const copy of copies) {
      const found = await findInvitationByToken(app.deps.db, tokenIn(copy.text)!, app.clock.now());
      expect(found?.state).toBe('valid');
    }
  });

  it('still revokes the link of an attempt the server clearly refused', async () => {
    const member = await buildMember(app, { email: 'refused@example.org' });
    smtp.sink.respondTo.set('refused@example.org', { code: 451, message: 'Try again later' });
    await sendInvitation(app.deps, (await buildLogin(app, { role: 'admin' })).actor, member.id);
    await deliverDueEmail(app.deps, smtp.mailer);
    const [message] = await app.deps.db
      .select()
      .from(emailMessages)
      .where(eq(emailMessages.memberId, member.id));
    expect(message).toMatchObject({ state: 'deferred', mayHaveArrived: false });
    const [issued] = await app.deps.db.select().from(invitations).where(eq(invitations.memberId, member.id));
    expect(issued?.revokedAt).not.toBeNull();
    smtp.sink.respondTo.delete('refused@example.org');
  });
});
