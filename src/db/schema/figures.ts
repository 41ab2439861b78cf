// Figures kept up to date as they change (migration 0021's statement-level triggers), so reports read a
// few rows at any roster size instead of recounting millions (decision 0026). Every writer is covered by
// the triggers: nothing in the application writes these tables.
import { bigint, boolean, integer, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { invitationRounds } from './email.ts';

/**
 * A round's messages by what became of them (roundFigures.ts's words). Each database connection adds its
 * changes to its own slot (its backend pid mod 16), so two delivery workers recording outcomes of the same
 * round never wait for each other's row lock; a round's figure is the sum of its slots.
 */
export const roundFigures = pgTable(
  'round_figures',
  {
    roundId: bigint('round_id', { mode: 'number' })
      .notNull()
      .references(() => invitationRounds.id, { onDelete: 'cascade' }),
    slot: smallint('slot').notNull(),
    /** Reached a mail server; with logged, what the report calls delivered. */
    sent: integer('sent').notNull(),
    /** Kept in the Email Log (no mail server then). */
    logged: integer('logged').notNull(),
    failed: integer('failed').notNull(),
    pending: integer('pending').notNull(),
    notSent: integer('not_sent').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.slot] })],
);

/**
 * Members of a round whose login was created after the round started, by whole days (of 86,400 s) from the
 * start to the login's creation: the sum is "logins since", the first days are the response curve.
 */
export const roundLoginDays = pgTable(
  'round_login_days',
  {
    roundId: bigint('round_id', { mode: 'number' })
      .notNull()
      .references(() => invitationRounds.id, { onDelete: 'cascade' }),
    day: integer('day').notNull(),
    logins: integer('logins').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.day] })],
);

/** Per UTC day (days since 1970-01-01), the login_history rows and the different accounts among them. */
export const loginDays = pgTable('login_days', {
  day: integer('day').primaryKey(),
  logins: integer('logins').notNull(),
  members: integer('members').notNull(),
});

/**
 * Per UTC day, the logins whose Last Login (accounts.last_login_at, when later than the login's creation)
 * falls on that day: Login Activity's "members who logged in during the period" is the sum over its days.
 * A sign-in moves its login from the day of its previous Last Login to today. Slots as in round_figures.
 */
export const lastLoginDays = pgTable(
  'last_login_days',
  {
    day: integer('day').notNull(),
    slot: smallint('slot').notNull(),
    accounts: integer('accounts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.slot] })],
);

/** Per UTC day (days since 1970-01-01), the logins (accounts) that exist today and were created that day. */
export const accountDays = pgTable('account_days', {
  day: integer('day').primaryKey(),
  accounts: integer('accounts').notNull(),
});

/**
 * Members by what the admin home counts of them: on the roster (isRosterMember: not an administrator's
 * made-up ADM- record), status, login or not, newest invitation failed or not. Slots as in round_figures:
 * sign-ins creating logins and failed deliveries in several connections do not queue on one row.
 */
export const memberFigures = pgTable(
  'member_figures',
  {
    onRoster: boolean('on_roster').notNull(),
    status: text('status').notNull(),
    hasLogin: boolean('has_login').notNull(),
    failed: boolean('failed').notNull(),
    slot: smallint('slot').notNull(),
    members: integer('members').notNull(),
  },
  (t) => [primaryKey({ columns: [t.onRoster, t.status, t.hasLogin, t.failed, t.slot] })],
);
