import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks secrets are `whsec_` + base64 of 24–64 random bytes; 32 here. */
export const SECRET_PREFIX = 'whsec_';
export const newWebhookSecret = (): string => SECRET_PREFIX + randomBytes(32).toString('base64');

/**
 * The `webhook-signature` header of Standard Webhooks: HMAC-SHA256, keyed with the secret's decoded
 * bytes, over `id.timestamp.body` (timestamp in whole seconds), as `v1,<base64>`.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
