import { eq } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { DbOrTx } from '../../db/connect.ts';
import { organisationSettings } from '../../db/schema.ts';
import { parseMailFrom } from '../../email/mailFrom.ts';

/**
 * The organisation settings in effect: what a Security Administrator saved, else the environment's
 * default. Read from the database per request and per delivery batch (one primary-key row), not cached
 * in memory, so the web and worker processes all follow a change from their next request or job on.
 */
export type EffectiveSettings = {
  orgName: string;
  /** The display name of the From header; its address is always MAIL_FROM's. */
  senderName: string;
  /** Where replies go; null: no Reply-To header (replies go to the From address). */
  replyTo: string | null;
  /** The paragraph the invitation email opens with; null: the built-in sentence naming the inviter. */
  invitationMessage: string | null;
  linkExpiryDays: number;
};

/** The environment's values, which hold wherever nothing was saved. */
export type SettingsDefaults = EffectiveSettings & { mailAddress: string };

type SettingsConfig = Pick<Config, 'orgName' | 'mailFrom' | 'inviteExpiryMs'>;

export function settingsDefaults(config: SettingsConfig): SettingsDefaults {
  const from = parseMailFrom(config.mailFrom);
  return {
    orgName: config.orgName,
    // A MAIL_FROM without a display name: mail clients show the address, so the organisation names it.
    senderName: from.name || config.orgName,
    replyTo: null,
    invitationMessage: null,
    linkExpiryDays: Math.round(config.inviteExpiryMs / 86_400_000),
    mailAddress: from.address,
  };
}

export type StoredSettings = { [K in keyof EffectiveSettings]: EffectiveSettings[K] | null };

export async function readStoredSettings(db: DbOrTx, forUpdate = false): Promise<StoredSettings> {
  const query = db
    .select({
      orgName: organisationSettings.orgName,
      senderName: organisationSettings.senderName,
      replyTo: organisationSettings.replyTo,
      invitationMessage: organisationSettings.invitationMessage,
      linkExpiryDays: organisationSettings.linkExpiryDays,
    })
    .from(organisationSettings)
    .where(eq(organisationSettings.id, 1));
  const [row] = await (forUpdate ? query.for('update') : query);
  // Migration 0015 inserts the row; a missing one (a restored old backup) means nothing was saved.
  return (
    row ?? { orgName: null, senderName: null, replyTo: null, invitationMessage: null, linkExpiryDays: null }
  );
}

export function effective(stored: StoredSettings, defaults: SettingsDefaults): EffectiveSettings {
  return {
    orgName: stored.orgName ?? defaults.orgName,
    senderName: stored.senderName ?? defaults.senderName,
    replyTo: stored.replyTo ?? defaults.replyTo,
    invitationMessage: stored.invitationMessage ?? defaults.invitationMessage,
    linkExpiryDays: stored.linkExpiryDays ?? defaults.linkExpiryDays,
  };
}

/** The settings in effect now (inside a transaction, pass the transaction as `db`). */
export async function readSettings(deps: { db: DbOrTx; config: SettingsConfig }): Promise<EffectiveSettings> {
  return effective(await readStoredSettings(deps.db), settingsDefaults(deps.config));
}

export const linkExpiryMs = (s: Pick<EffectiveSettings, 'linkExpiryDays'>) => s.linkExpiryDays * 86_400_000;

/** The From and Reply-To of every email the portal sends. */
export function senderOf(s: EffectiveSettings, config: Pick<Config, 'mailFrom'>) {
  return {
    from: { name: s.senderName, address: parseMailFrom(config.mailFrom).address },
    replyTo: s.replyTo ?? undefined,
  };
}
