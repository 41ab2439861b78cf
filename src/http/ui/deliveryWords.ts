import type { DeliveryState } from '../../domain/vocabulary.ts';

/** A member's latest invitation delivery, in the words the admin pages use. */
export const deliveryStateWords: Record<DeliveryState, string> = {
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
export function deliveryWords(m: {
  deliveryState: DeliveryState | null;
  deliveryDetail: string | null;
}): string {
  if (m.deliveryState === null) return 'Never invited';
  const word = deliveryStateWords[m.deliveryState];
  return m.deliveryState === 'failed' && m.deliveryDetail ? `${word}: ${m.deliveryDetail}` : word;
}
