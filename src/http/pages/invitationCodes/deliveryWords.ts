import type { DeliveryState } from '../../../db/schema.ts';
import type { PendingMember } from '../../../domain/invitations/pendingMembers.ts';

const words: Record<DeliveryState, string> = {
  queued: 'Queued',
  claimed: 'Sending',
  sending: 'Sending',
  sent: 'Sent',
  logged: 'Kept in Email Log',
  deferred: 'Retrying',
  failed: 'Failed',
  interrupted: 'Interrupted',
  skipped: 'Not sent',
};

/** The newest invitation's delivery in words; a failure carries the mail server's answer. */
export function deliveryWords(m: Pick<PendingMember, 'deliveryState' | 'deliveryDetail'>): string {
  if (m.deliveryState === null) return 'Never invited';
  const word = words[m.deliveryState];
  return m.deliveryState === 'failed' && m.deliveryDetail ? `${word}: ${m.deliveryDetail}` : word;
}
