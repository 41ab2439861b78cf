// The roster: members and what became of their newest invitation.
import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns.ts';

/** What became of the newest invitation email (null: never invited). */
export const deliveryStates = [
  'queued',
  // Taken by a worker, not yet handed to the mail server: safe to queue again if the worker dies.
  'claimed',
  // Handed to the mail server: if the worker dies now, nobody knows whether it arrived.
  'sending',
  'sent',
  'logged',
  'deferred',
  'failed',
  'interrupted',
  'skipped',
] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * Search text and name sort keys, computed by the database when a row is written (migration 0016). Search
 * forgives accents ("angstrom" finds Ångström) and names sort with accents removed (Ångström under A) on
 * every engine — PGlite has no ICU. Stored, not indexed expressions: the list's search reads thousands of
 * rows a page, and calling the SQL functions for each of them at read time cost ~15 ms a search.
 */
const SEARCH_TEXT_SQL = sql`gh_fold(' ' || first_name || ' ' || last_name || ' ' || email_lower || ' ' || member_number || ' ')`;

/** The organisation's roster. A member exists before (and without) a portal login. */
export const members = pgTable(
  'members',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    memberNumber: text('member_number').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    email: text('email').notNull(),
    // A lower-cased copy instead of citext: measured several times cheaper to index and load.
    emailLower: text('email_lower').notNull(),
    status: text('status', { enum: ['current', 'lapsed'] })
      .notNull()
      .default('current'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    // Kept by a trigger on accounts (insert/delete), so every path that adds or removes a login agrees.
    hasLogin: boolean('has_login').notNull().default(false),
    // Invitation summary, written with each invitation email so the Invitation Codes list can filter
    // and sort on it without joining the message history of a million members.
    invitationsSent: integer('invitations_sent').notNull().default(0),
    lastInvitedAt: ts('last_invited_at'),
    deliveryState: text('delivery_state', { enum: deliveryStates }),
    deliveryDetail: text('delivery_detail'),
    // Names, email and member number folded (gh_fold: lower-cased, accents removed) and space-padded, so
    // that one- and two-letter terms can match whole words through the trigram indexes. The search folds
    // the typed term with the same function (src/domain/invitationCodes/invitationCodesSearch.ts).
    searchText: text('search_text').generatedAlwaysAs(SEARCH_TEXT_SQL),
    // Sort keys: the name with its accents removed, case kept, so plain ASCII names keep their old order.
    sortLastName: text('sort_last_name').generatedAlwaysAs(sql`gh_name_key(last_name)`),
    sortFirstName: text('sort_first_name').generatedAlwaysAs(sql`gh_name_key(first_name)`),
  },
  (t) => [
    uniqueIndex('members_member_number_key').on(t.memberNumber),
    index('members_email_lower_idx').on(t.emailLower),
    index('members_name_idx').on(t.sortLastName, t.sortFirstName, t.id),
    // Invitation Codes (src/domain/invitationCodes/listInvitationCodes.ts) lists only members without a login. Partial
    // indexes hold just that set, so they shrink as members join; one per sortable column, each ending in
    // the id tie-break its keyset pagination compares on.
    index('members_pending_name_idx').on(t.sortLastName, t.sortFirstName, t.id).where(sql`not has_login`),
    index('members_pending_number_idx').on(t.memberNumber, t.id).where(sql`not has_login`),
    index('members_pending_email_idx').on(t.emailLower, t.id).where(sql`not has_login`),
    // Never invited sorts as longest ago: the -infinity sentinel keeps NULLs inside one index order.
    index('members_pending_last_invited_idx')
      .on(sql`coalesce(last_invited_at, '-infinity'::timestamptz)`, t.id)
      .where(sql`not has_login`),
    index('members_pending_invitations_sent_idx')
      .on(t.invitationsSent, t.sortLastName, t.sortFirstName, t.id)
      .where(sql`not has_login`),
    // "Delivery failed only": few rows in a healthy roster, so the filter must not have to read the others.
    index('members_pending_failed_idx')
      .on(t.sortLastName, t.sortFirstName, t.id)
      .where(sql`not has_login and delivery_state = 'failed'`),
    // Trigram search over the folded search text (names, email and member number).
    index('members_pending_search_idx').using('gin', sql`search_text gin_trgm_ops`).where(sql`not has_login`),
    // The same for members who have a login (Member Search reads both): together the two partial
    // indexes hold each member's search text exactly once.
    index('members_login_search_idx').using('gin', sql`search_text gin_trgm_ops`).where(sql`has_login`),
    // Member Roster - Current's "Delivery failed only" reads the failed members first (few in a healthy
    // roster) whatever the sort. Imported members have no delivery state, so imports never touch it.
    index('members_failed_idx').on(t.id).where(sql`delivery_state = 'failed'`),
    // The JSON API's `updated_since` (a sync script pulling what changed since its last run).
    index('members_updated_at_idx').on(t.updatedAt, t.id),
    check('members_status_check', sql`${t.status} in ('current', 'lapsed')`),
  ],
);
