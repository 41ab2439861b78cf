import { eq, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../db/escapeLike.ts';
import { auditEvents, members } from '../../db/schema.ts';
import { ValidationErrors } from '../../errors.ts';

/** Every action the portal records (grep `recordAudit(`); the Action filter offers these. */
export const knownAuditActions = [
  'setup.completed',
  'admin.created',
  'roster.imported',
  'member.email_changed',
  'demo.filled',
  'password.changed_by_member',
  'invitation.send',
  'invitation.send_all',
  'invitation.reminder_round',
  'invitation.accepted',
  'invitation.accepted_replacing_login',
  'invitation.reenabled',
  'invitation.resend_setup_email',
  'invitation.fresh_link_requested',
  'email_log.secret_revealed',
  'report.exported',
  'password.reset_requested',
  'password.reset_by_member',
  'username.reminder_requested',
  'login.username_changed',
  'password.set_by_admin',
  'password.reset_link_sent',
  'login.unlocked',
  'login.role_changed',
  'logins.cleared_all',
  'logins.restored',
  'reminders.settings_changed',
  'reminders.paused',
  'reminders.resumed',
  'reminders.round_started',
] as const;
export type KnownAuditAction = (typeof knownAuditActions)[number];

export const isKnownAuditAction = (s: string): s is KnownAuditAction =>
  (knownAuditActions as readonly string[]).includes(s);

export type AuditLogFilter = {
  /** The start of the actor's label, any case. */
  actor?: string;
  /** A member number (exactly, any case), or the start of a member's full or last name. */
  member?: string;
  /** Exactly one member (the profile page's "Recent activity"). */
  memberId?: number;
  action?: KnownAuditAction;
  /** First day shown (UTC midnight). */
  from?: Date;
  /** Last day shown, inclusive (UTC midnight of that day). */
  to?: Date;
};

// Longer than any label or name worth searching for; a longer search is cut rather than sent as it is.
const MAX_SEARCH_LENGTH = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

function parseDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  return date && date.toISOString().slice(0, 10) === value ? date : null;
}

const one = (raw: Record<string, unknown>, name: string): string => {
  const v = raw[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.trim() : '';
};

/**
 * The Audit Log filter from a query string (actor, member, action, from, to), checked at the edge: every
 * refused value is reported at once, each next to its field.
 */
export function parseAuditLogFilter(raw: Record<string, unknown>): AuditLogFilter {
  const errors: Record<string, string> = {};
  const filter: AuditLogFilter = {};
  const actor = one(raw, 'actor').slice(0, MAX_SEARCH_LENGTH);
  if (actor) filter.actor = actor;
  const member = one(raw, 'member').slice(0, MAX_SEARCH_LENGTH);
  if (member) filter.member = member;
  const action = one(raw, 'action');
  if (action) {
    if (isKnownAuditAction(action)) filter.action = action;
    else errors.action = 'Choose an action from the list.';
  }
  for (const field of ['from', 'to'] as const) {
    const value = one(raw, field);
    if (!value) continue;
    const day = parseDay(value);
    if (day) filter[field] = day;
    else errors[field] = 'Enter the date as year-month-day, for example 2026-01-31.';
  }
  if (filter.from && filter.to && filter.to < filter.from) {
    errors.to = 'The To date must be the same as or after the From date.';
  }
  if (Object.keys(errors).length > 0) throw new ValidationErrors(errors);
  return filter;
}

/** The filter as query-string pairs, for links that keep it (pages, the CSV export). */
export function auditLogFilterQuery(filter: AuditLogFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.actor) query.set('actor', filter.actor);
  if (filter.member) query.set('member', filter.member);
  if (filter.action) query.set('action', filter.action);
  if (filter.from) query.set('from', filter.from.toISOString().slice(0, 10));
  if (filter.to) query.set('to', filter.to.toISOString().slice(0, 10));
  return query;
}

export const isFiltered = (filter: AuditLogFilter): boolean =>
  Boolean(filter.actor || filter.member || filter.action || filter.from || filter.to);

export function filterConditions(filter: AuditLogFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.actor) {
    conditions.push(
      sql`lower(${auditEvents.actorLabel}) like ${`${escapeLike(filter.actor.toLowerCase())}%`}`,
    );
  }
  if (filter.member) {
    const q = filter.member.toLowerCase();
    const prefix = `${escapeLike(q)}%`;
    conditions.push(sql`${auditEvents.memberId} in (
      select m.id from ${members} m
      where lower(m.member_number) = ${q}
        or lower(m.first_name || ' ' || m.last_name) like ${prefix}
        or lower(m.last_name) like ${prefix})`);
  }
  if (filter.memberId !== undefined) conditions.push(eq(auditEvents.memberId, filter.memberId));
  if (filter.action) conditions.push(eq(auditEvents.action, filter.action));
  if (filter.from) conditions.push(sql`${auditEvents.at} >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) {
    const dayAfter = new Date(filter.to.getTime() + DAY_MS);
    conditions.push(sql`${auditEvents.at} < ${dayAfter.toISOString()}::timestamptz`);
  }
  return conditions;
}
