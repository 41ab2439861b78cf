import { type DeliveryState, deliveryStateWords } from '../../domain/vocabulary.ts';

export { deliveryStateWords };

/** The newest invitation's delivery in words; a failure carries the mail server's answer. */
export function deliveryWords(m: {
  deliveryState: DeliveryState | null;
  deliveryDetail: string | null;
}): string {
  if (m.deliveryState === null) return 'Never invited';
  const word = deliveryStateWords[m.deliveryState];
  return m.deliveryState === 'failed' && m.deliveryDetail ? `${word}: ${m.deliveryDetail}` : word;
}

/**
 * What Send says once a member's invitation is on its way: "sent" only where a mail server takes it;
 * without one (no SMTP_URL) the message is kept in the Email Log and nothing leaves the machine.
 */
export const sendNotice = (name: string, delivers: boolean): string =>
  delivers
    ? `Invitation sent to ${name}.`
    : `Invitation to ${name} kept in the Email Log (no mail server is set up).`;
