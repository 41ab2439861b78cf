import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { organisationSettings } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import {
  type EffectiveSettings,
  effective,
  readStoredSettings,
  type StoredSettings,
  settingsDefaults,
} from './organisationSettings.ts';

export const LINK_EXPIRY_DAYS = { min: 1, max: 365 } as const;
export const LIMITS = { orgName: 120, senderName: 120, replyTo: 254, invitationMessage: 1000 } as const;

const oneLine = (max: number, what: string) =>
  text
    .transform((v) => v.trim())
    .refine((v) => v.length <= max, `Keep ${what} to ${max} characters or fewer.`)
    // It goes into email headers and subjects: a line break or angle bracket there would change them.
    .refine(
      (v) => !/[\r\n<>"]/.test(v),
      `${what[0]!.toUpperCase()}${what.slice(1)} cannot contain line breaks, quotes or < >.`,
    );

/**
 * The Organisation settings form as typed. Every field may be left empty: the environment's default then
 * applies again. Parsing is validation, so the page, the CLI and the API say the same thing.
 */
export const settingsInput = z.object({
  orgName: oneLine(LIMITS.orgName, 'the organisation name'),
  senderName: oneLine(LIMITS.senderName, 'the sender name'),
  replyTo: text
    .transform((v) => v.trim())
    .refine(
      (v) => v === '' || (v.length <= LIMITS.replyTo && z.string().email().safeParse(v).success),
      'Enter the reply-to address as an email address, like office@example.org, or leave it empty.',
    ),
  invitationMessage: text
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .refine(
      (v) => v.length <= LIMITS.invitationMessage,
      `Keep the invitation message to ${LIMITS.invitationMessage} characters or fewer.`,
    ),
  linkExpiryDays: text
    .transform((v) => v.trim())
    .refine(
      (v) =>
        v === '' ||
        (/^\d{1,3}$/.test(v) && Number(v) >= LINK_EXPIRY_DAYS.min && Number(v) <= LINK_EXPIRY_DAYS.max),
      `Enter the link expiry as a whole number of days from ${LINK_EXPIRY_DAYS.min} to ${LINK_EXPIRY_DAYS.max}.`,
    ),
});
export type SettingsInput = z.infer<typeof settingsInput>;

/** What to store: empty, or the same as the environment's default, is NULL (keeps following the default). */
export function toStored(input: SettingsInput, defaults: EffectiveSettings): StoredSettings {
  const or = <T>(value: T | null, fallback: T) => (value === null || value === fallback ? null : value);
  const blank = (v: string) => (v === '' ? null : v);
  return {
    orgName: or(blank(input.orgName), defaults.orgName),
    senderName: or(blank(input.senderName), defaults.senderName),
    replyTo: blank(input.replyTo),
    invitationMessage: blank(input.invitationMessage),
    linkExpiryDays: or(
      input.linkExpiryDays === '' ? null : Number(input.linkExpiryDays),
      defaults.linkExpiryDays,
    ),
  };
}

/**
 * Saves the organisation settings in one transaction with an audit event listing each changed field as
 * it was and as it is now (in effect, so a field set back to its default shows the default). Saving
 * without a change records nothing.
 */
export async function saveSettings(
  deps: Deps,
  actor: Actor,
  input: SettingsInput,
): Promise<EffectiveSettings> {
  requirePermission(actor, 'settings.manage');
  const defaults = settingsDefaults(deps.config);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await tx.insert(organisationSettings).values({ id: 1 }).onConflictDoNothing();
    const before = effective(await readStoredSettings(tx, true), defaults);
    const stored = toStored(input, defaults);
    const after = effective(stored, defaults);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of Object.keys(after) as (keyof EffectiveSettings)[]) {
      if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
    }
    await tx
      .update(organisationSettings)
      .set({ ...stored, updatedBy: actor.accountId, updatedAt: now })
      .where(eq(organisationSettings.id, 1));
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, now, actor, 'settings.changed', { details: { changes } });
    }
    return after;
  });
}
