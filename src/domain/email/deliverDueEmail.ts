import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/connect.ts';
import type { Mailer } from '../../email/mailer.ts';
import { renderInvitationEmail } from '../../email/templates/invitation.tsx';
import type { Deps } from '../deps.ts';
import { invitationLink } from '../invitations/invitationSecrets.ts';
import { type ClaimedMessage, claimDueMessages } from './claimDueMessages.ts';
import { interruptAbandonedSends } from './interruptAbandonedSends.ts';
import { finishCompletedRounds, recordOutcome } from './recordOutcome.ts';

const BATCH_SIZE = 50;

function render(deps: Deps, m: ClaimedMessage) {
  const invitation = m.invitation!;
  const { publicUrl, orgName } = deps.config;
  const email = renderInvitationEmail({
    orgName,
    firstName: m.firstName ?? '',
    inviterName: m.inviterName ?? orgName,
    link: invitationLink(publicUrl, invitation.token),
    code: invitation.code,
    expiresAt: invitation.expiresAt,
    portalUrl: publicUrl,
  });
  return { to: m.toAddress, ...email };
}

/**
 * Once mail has left for a real server, the copy kept in the Email Log loses its secrets: only the
 * member's mailbox holds the link. Without an SMTP server the Email Log *is* the mailbox, so it keeps them.
 */
function storedCopy(
  email: { subject: string; text: string; html: string },
  secrets: string[],
  keepSecrets: boolean,
) {
  if (keepSecrets) return email;
  const scrub = (s: string) => secrets.reduce((acc, secret) => acc.replaceAll(secret, '[not stored]'), s);
  return { subject: email.subject, text: scrub(email.text), html: scrub(email.html) };
}

async function inParallel<T>(items: T[], lanes: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/**
 * Sends every message that is due, batch after batch, until none is left. Each message is marked just
 * before it is handed to the mail server and written back as soon as the server answers, so a crash
 * leaves only the messages in flight undecided; those are given up as interrupted rather than sent
 * twice, and the rest of the batch is queued again (see interruptAbandonedSends).
 */
export async function deliverDueEmail(
  deps: Deps,
  mailer: Mailer,
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  await interruptAbandonedSends(deps);
  for (;;) {
    const batch = await claimDueMessages(deps, BATCH_SIZE);
    if (batch.length === 0) break;
    let retrying = false;
    await inParallel(batch, deps.config.smtpPoolSize, async (m) => {
      if (!m.invitation) return; // only invitation emails exist so far; nothing else is ever queued
      const email = render(deps, m);
      // From here on a crash leaves the message undecided (it may have arrived): never resent.
      await markHandedOver(deps, m);
      const outcome = await mailer.send(email);
      const secrets = [m.invitation.token, m.invitation.code];
      const state = await recordOutcome(
        deps.db,
        m,
        outcome,
        storedCopy(email, secrets, !mailer.delivers),
        deps.clock.now(),
      );
      if (state === 'sent' || state === 'logged') delivered++;
      else if (state === 'failed') failed++;
      else retrying = true;
    });
    await finishCompletedRounds(deps.db, deps.clock.now());
    if (retrying) await deps.jobs.emailDue({ at: await nextRetryAt(deps) });
  }
  return { delivered, failed };
}

async function markHandedOver(deps: Deps, m: ClaimedMessage): Promise<void> {
  m.attempts += 1;
  await deps.db.execute(sql`
    update email_messages set state = 'sending', attempts = ${m.attempts}, updated_at = ${deps.clock.now()}
    where id = ${m.id}`);
}

/** When the soonest retry is due, so a job can wake a worker for it. */
async function nextRetryAt(deps: Deps): Promise<Date | undefined> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    deps.db,
    sql`select min(next_attempt_at) as at from email_messages where state = 'deferred'`,
  );
  return row?.at ? new Date(row.at) : undefined;
}
