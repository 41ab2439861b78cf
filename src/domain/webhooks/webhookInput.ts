import { z } from 'zod';
import { type WebhookEventType, webhookEventTypes } from '../../db/schema.ts';
import { checkbox, text } from '../input.ts';

export { type WebhookEventType, webhookEventTypes };

/** Each event in the words the page shows, and the checkbox field that subscribes to it. */
export const webhookEvents: Record<WebhookEventType, { field: string; label: string }> = {
  'member.login_created': { field: 'loginCreated', label: 'A member created a login' },
  'invitation.delivery_failed': {
    field: 'deliveryFailed',
    label: 'An invitation email failed for good',
  },
  'invitation_round.finished': { field: 'roundFinished', label: 'An invitation round finished' },
};

/** Only http(s): a receiver is a web address, never a file or another scheme. */
const receiverUrl = z
  .string()
  .trim()
  .min(1, 'Enter the address the events are sent to.')
  .max(2000, 'Keep the address within 2,000 characters.')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'Enter a web address starting with https:// (or http://).');

/** Add an endpoint: the page's form (one checkbox per event, since a name may not repeat in a form). */
export const createWebhookEndpointInput = z
  .object({
    url: receiverUrl,
    description: text.pipe(z.string().trim().max(200, 'Keep the description within 200 characters.')),
    loginCreated: checkbox,
    deliveryFailed: checkbox,
    roundFinished: checkbox,
  })
  .transform((input, ctx) => {
    const events = webhookEventTypes.filter(
      (type) => input[webhookEvents[type].field as 'loginCreated' | 'deliveryFailed' | 'roundFinished'],
    );
    if (events.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'Choose at least one event.' });
      return z.NEVER;
    }
    return { url: input.url, description: input.description, events };
  });
export type CreateWebhookEndpointInput = z.output<typeof createWebhookEndpointInput>;
