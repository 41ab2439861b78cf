// Organisation settings: one row, each column NULL until a Security Administrator sets it, so an unset
// value keeps following its environment default (ORG_NAME, MAIL_FROM, INVITE_EXPIRY_DAYS).
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { ts } from './columns.ts';

export const organisationSettings = pgTable(
  'organisation_settings',
  {
    id: integer('id').primaryKey(),
    orgName: text('org_name'),
    senderName: text('sender_name'),
    replyTo: text('reply_to'),
    invitationMessage: text('invitation_message'),
    linkExpiryDays: integer('link_expiry_days'),
    // Administrators (not only Security Administrators) must use a second step to sign in.
    requireTwoStepForAdmins: boolean('require_two_step_for_admins').notNull().default(false),
    updatedBy: bigint('updated_by', { mode: 'number' }).references(() => accounts.id, {
      onDelete: 'set null',
    }),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    check('organisation_settings_one_row', sql`${t.id} = 1`),
    check('organisation_settings_link_expiry_days', sql`${t.linkExpiryDays} between 1 and 365`),
  ],
);
