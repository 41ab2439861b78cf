import { eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { escapeLike } from '../../db/escapeLike.ts';
import { auditEvents, members } from '../../db/schema.ts';
import { ValidationErrors } from '../../errors.ts';

/** Every action the portal records (grep `recordAudit(`); the Action filter offers these. */
export const knownAuditActions = [
  'setup.completed',
  'admin.created',
  'roster.imported',
  'member.email_changed',
  'member.added',
  'member.edited',
  'member.linked',
  'settings.changed',
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
  'api_token.created',
  'api_token.revoked',
  'webhook.endpoint_created',
  'webhook.endpoint_enabled',
  'webhook.endpoint_disabled',
  'webhook.endpoint_deleted',
  'webhook.endpoint_secret_rotated',
  'webhook.test_sent',
  'webhook.delivery_retried',
  'two_step.authenticator_added',
  'two_step.authenticator_removed',
  'two_step.passkey_added',
  'two_step.passkey_removed',
  'two_step.recovery_codes_regenerated',
  'two_step.recovery_code_used',
  'two_step.reset',
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
const DATE_FORMAT = 'Enter the date as year-month-day, for example 2026-01-31.';

function parseDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  return date && date.toISOString().slice(0, 10) === value ? date : null;
}

/** A search box: trimmed, cut to a sensible length, blank is "not given". */
const search = z
  .string()
  .optional()
  .transform((value) => value?.trim().slice(0, MAX_SEARCH_LENGTH) || undefined);

/** A day as year-month-day (a real one), blank is "not given". */
const day = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const given = value?.trim();
    if (!given) return undefined;
    const date = parseDay(given);
    if (date) return date;
    ctx.addIssue({ code: 'custom', message: DATE_FORMAT });
    return z.NEVER;
  });

const action = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const given = value?.trim();
    if (!given) return undefined;
    if (isKnownAuditAction(given)) return given;
    ctx.addIssue({ code: 'custom', message: 'Choose an action from the list.' });
    return z.NEVER;
  });

/** The Audit Log's search fields as they come in a query string (the page's form, the CSV link). */
export const auditLogFilterFields = { actor: search, member: search, action, from: day, to: day };

type FilterFields = { actor?: string; member?: string; action?: KnownAuditAction; from?: Date; to?: Date };

/** The filter without its blank fields. */
export const filterOf = (fields: FilterFields): AuditLogFilter =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as AuditLogFilter;

/**
 * The order of the two dates is checked once both were read: every refused value is reported at once,
 * each next to its field, a reversed range too.
 */
export const datesInOrder = {
  check: (v: { from?: Date; to?: Date }) => !(v.from && v.to && v.to < v.from),
  params: {
    message: 'The To date must be the same as or after the From date.',
    path: ['to'],
    when: (payload: z.core.ParsePayload) =>
      !payload.issues.some((issue) => issue.path?.[0] === 'from' || issue.path?.[0] === 'to'),
  },
};

/** The Audit Log filter (actor, member, action, from, to), checked at the edge. */
export const auditLogFilterInput = z
  .object(auditLogFilterFields)
  .refine(datesInOrder.check, datesInOrder.params)
  .transform(filterOf);

/**
 * The filter from a query string, for callers outside the page kit (the CSV export): a refused value is
 * a ValidationErrors with every message next to its field.
 */
export function parseAuditLogFilter(raw: Record<string, unknown>): AuditLogFilter {
  const parsed = auditLogFilterInput.safeParse(raw);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message;
  throw new ValidationErrors(errors);
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
