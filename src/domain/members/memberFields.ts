import { z } from 'zod';
import { text } from '../input.ts';

/**
 * Field rules for a roster member, shared by the CSV import, first-run setup, `admin create` and the
 * Add member / Edit member pages (memberRecordInput below). Each returns the cleaned value or a message
 * saying what is wrong; the label names the field as the reader knows it (the CSV column by default).
 */
export type FieldResult = { ok: true; value: string } | { ok: false; message: string };

const ok = (value: string): FieldResult => ({ ok: true, value });
const bad = (message: string): FieldResult => ({ ok: false, message });

// Deliberately permissive: one @, something on both sides, a dot in the domain, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(raw: string | undefined, label: string): FieldResult {
  const email = (raw ?? '').trim();
  if (!email) return bad(`${label} is required`);
  if (email.length > 254) return bad(`${label} is longer than 254 characters`);
  if (!EMAIL_PATTERN.test(email)) return bad(`${label} "${email}" is not a valid address`);
  return ok(email);
}

export function checkName(raw: string | undefined, label: string): FieldResult {
  const name = (raw ?? '').trim().normalize('NFC');
  if (!name) return bad(`${label} is required`);
  if (name.length > 100) return bad(`${label} is longer than 100 characters`);
  return ok(name);
}

export function checkMemberNumber(raw: string | undefined, label: string): FieldResult {
  const value = (raw ?? '').trim();
  if (!value) return bad(`${label} is required`);
  if (value.length > 64) return bad(`${label} is longer than 64 characters`);
  if (/\s/.test(value)) return bad(`${label} "${value}" contains spaces`);
  return ok(value);
}

export function checkStatus(raw: string | undefined, label: string): FieldResult {
  const value = (raw ?? '').trim().toLowerCase();
  if (!value) return ok('current');
  if (value !== 'current' && value !== 'lapsed') return bad(`${label} "${raw}" must be current or lapsed`);
  // The constant, not the text read: an import keeps one reference per row instead of a string (33 MB at 1M).
  return ok(value === 'current' ? 'current' : 'lapsed');
}

/** A form or API field checked by one of the rules above: the cleaned value, or the rule's message. */
const checked = (check: (raw: string | undefined) => FieldResult) =>
  text.transform((raw, ctx) => {
    const result = check(raw);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });

/**
 * One member's roster record, as Add member, Edit member and the API take it: the same rules as a CSV
 * row (a row is checked by the same functions), worded with the form's labels.
 */
export const memberRecordInput = z.object({
  memberNumber: checked((raw) => checkMemberNumber(raw, 'Member number')),
  firstName: checked((raw) => checkName(raw, 'First name')),
  lastName: checked((raw) => checkName(raw, 'Last name')),
  email: checked((raw) => checkEmail(raw, 'Email')),
  status: checked((raw) => checkStatus(raw, 'Status')).pipe(z.enum(['current', 'lapsed'])),
});

export type MemberRecord = z.infer<typeof memberRecordInput>;
