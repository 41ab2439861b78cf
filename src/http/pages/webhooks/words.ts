import type { WebhookEventType } from '../../../domain/webhooks/webhookInput.ts';
import { webhookEvents } from '../../../domain/webhooks/webhookInput.ts';

/** A delivery's state in words, with what happens next where something will. */
export const deliveryStateWords: Record<string, string> = {
  queued: 'Waiting to be sent',
  deferred: 'Will try again',
  sending: 'Being sent',
  delivered: 'Delivered',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

/** An event's name as the receiver sees it, with the page's words for the subscribed ones. */
export const eventWords = (type: string): string =>
  type in webhookEvents ? webhookEvents[type as WebhookEventType].label : 'Test event';
