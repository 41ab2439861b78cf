import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx, Tx } from '../../db/connect.ts';
import { settings } from '../../db/schema.ts';
import { ValidationErrors } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';

/** The `settings` row that holds the automatic reminder rounds' configuration. */
export const REMINDER_SETTINGS_KEY = 'reminder_rounds';

export const EVERY_DAYS = { min: 1, max: 90 } as const;
export const MAX_PER_MEMBER = { min: 1, max: 10 } as const;

export type ReminderSettings = {
  /** Switched on by a Security Administrator: rounds are sent every `everyDays` days. */
  enabled: boolean;
  everyDays: number;
  /** A member gets at most this many reminder emails in all. */
  maxPerMember: number;
  /** A temporary hold that keeps the configuration (e.g. while the roster is being cleaned up). */
  pausedAt: Date | null;
};

export const defaultReminderSettings: ReminderSettings = {
  enabled: false,
  everyDays: 7,
  maxPerMember: 3,
  pausedAt: null,
};

const intIn = (v: unknown, range: { min: number; max: number }, fallback: number) =>
  Number.isInteger(v) && (v as number) >= range.min && (v as number) <= range.max ? (v as number) : fallback;

/** Reads the stored JSON leniently: a missing or damaged field falls back to its default. */
function fromJson(value: unknown): ReminderSettings {
  const v = (value ?? {}) as Record<string, unknown>;
  const pausedAt = typeof v.pausedAt === 'string' ? new Date(v.pausedAt) : null;
  return {
    enabled: v.enabled === true,
    everyDays: intIn(v.everyDays, EVERY_DAYS, defaultReminderSettings.everyDays),
    maxPerMember: intIn(v.maxPerMember, MAX_PER_MEMBER, defaultReminderSettings.maxPerMember),
    pausedAt: pausedAt && !Number.isNaN(pausedAt.getTime()) ? pausedAt : null,
  };
}

const toJson = (s: ReminderSettings) => ({
  enabled: s.enabled,
  everyDays: s.everyDays,
  maxPerMember: s.maxPerMember,
  pausedAt: s.pausedAt?.toISOString() ?? null,
});

export async function readReminderSettings(db: DbOrTx): Promise<ReminderSettings> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, REMINDER_SETTINGS_KEY));
  return fromJson(row?.value);
}

/** Reads the settings row locked FOR UPDATE (made first if missing), so changes never overwrite each other. */
async function lockSettings(tx: Tx, now: Date): Promise<ReminderSettings> {
  await tx
    .insert(settings)
    .values({ key: REMINDER_SETTINGS_KEY, value: toJson(defaultReminderSettings), updatedAt: now })
    .onConflictDoNothing();
  const [row] = await tx
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, REMINDER_SETTINGS_KEY))
    .for('update');
  return fromJson(row?.value);
}

async function store(tx: Tx, s: ReminderSettings, now: Date) {
  await tx
    .update(settings)
    .set({ value: toJson(s), updatedAt: now })
    .where(eq(settings.key, REMINDER_SETTINGS_KEY));
}

/**
 * The Reminder Rounds settings form as typed: the switch ("on" or "off") and the two numbers. What they
 * must contain is said by parseReminderSettings, every problem at once, next to its field.
 */
export const reminderSettingsInput = z.object({ enabled: text, everyDays: text, maxPerMember: text });
export type ReminderSettingsInput = z.infer<typeof reminderSettingsInput>;

function parseWhole(
  raw: string,
  range: { min: number; max: number },
  what: string,
  errors: Record<string, string>,
  name: string,
) {
  const text = raw.trim();
  const n = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= range.min && n <= range.max)) {
    errors[name] = `Enter ${what} as a whole number from ${range.min} to ${range.max}.`;
  }
  return n;
}

/** Validates the form as typed; every problem is reported at once, next to its field. */
export function parseReminderSettings(input: ReminderSettingsInput) {
  const errors: Record<string, string> = {};
  if (input.enabled !== 'on' && input.enabled !== 'off') {
    errors.enabled = 'Choose whether automatic reminder rounds are on or off.';
  }
  const everyDays = parseWhole(input.everyDays, EVERY_DAYS, 'the number of days', errors, 'everyDays');
  const maxPerMember = parseWhole(
    input.maxPerMember,
    MAX_PER_MEMBER,
    'the number of reminders',
    errors,
    'maxPerMember',
  );
  if (Object.keys(errors).length > 0) throw new ValidationErrors(errors);
  return { enabled: input.enabled === 'on', everyDays, maxPerMember };
}

/** Saves the switch, the interval and the per-member limit (pausing is separate and kept as it is). */
export async function changeReminderSettings(deps: Deps, actor: Actor, input: ReminderSettingsInput) {
  requirePermission(actor, 'settings.manage');
  const parsed = parseReminderSettings(input);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const before = await lockSettings(tx, now);
    const after: ReminderSettings = { ...before, ...parsed };
    await store(tx, after, now);
    await recordAudit(tx, now, actor, 'reminders.settings_changed', {
      details: { before: toJson(before), after: toJson(after) },
    });
    return after;
  });
}

/** Pause (or Resume) keeps every other setting. Pressing it twice changes nothing and records nothing. */
export async function setRemindersPaused(deps: Deps, actor: Actor, paused: boolean) {
  requirePermission(actor, 'settings.manage');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const before = await lockSettings(tx, now);
    if ((before.pausedAt !== null) === paused) return before;
    const after: ReminderSettings = { ...before, pausedAt: paused ? now : null };
    await store(tx, after, now);
    await recordAudit(tx, now, actor, paused ? 'reminders.paused' : 'reminders.resumed', {
      details: paused ? {} : { pausedSince: before.pausedAt?.toISOString() },
    });
    return after;
  });
}
