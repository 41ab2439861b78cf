import type { EmailKind } from '../../../domain/emailLog/emailLog.ts';
import type { DeliveryState } from '../../../domain/vocabulary.ts';

/** Delivery states as people say them; a Record, so a new state cannot be added without its words. */
export const stateWords: Record<DeliveryState, string> = {
  queued: 'Queued',
  // Taken by a worker, not yet handed to the mail server.
  claimed: 'Preparing to send',
  sending: 'Sending',
  sent: 'Sent',
  logged: 'Kept in Email Log (no SMTP server configured)',
  deferred: 'Retrying (deferred)',
  failed: 'Failed',
  interrupted: 'Interrupted',
  skipped: 'Not sent (no longer needed)',
};

export const kindWords: Record<EmailKind, string> = {
  invitation: 'Invitation',
  username_changed: 'Username changed',
  email_changed: 'Email address changed (to the old address)',
  password_reset: 'Password reset',
  username_reminder: 'Username reminder',
  second_step_added: 'Second step added',
  second_step_removed: 'Second step removed',
};
