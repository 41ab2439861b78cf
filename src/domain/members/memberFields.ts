/**
 * Field rules for a roster member, shared by the CSV import, first-run setup and `admin create`.
 * Each returns the cleaned value or a message saying what is wrong.
 */
export type FieldResult = { ok: true; value: string } | { ok: false; message: string };

const ok = (value: string): FieldResult => ({ ok: true, value });
const bad = (message: string): FieldResult => ({ ok: false, message });

// Deliberately permissive: one @, something on both sides, a dot in the domain, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(raw: string | undefined): FieldResult {
  const email = (raw ?? '').trim();
  if (!email) return bad('email is required');
  if (email.length > 254) return bad('email is longer than 254 characters');
  if (!EMAIL_PATTERN.test(email)) return bad(`email "${email}" is not a valid address`);
  return ok(email);
}

export function checkName(raw: string | undefined, label: 'first_name' | 'last_name'): FieldResult {
  const name = (raw ?? '').trim().normalize('NFC');
  if (!name) return bad(`${label} is required`);
  if (name.length > 100) return bad(`${label} is longer than 100 characters`);
  return ok(name);
}

export function checkMemberNumber(raw: string | undefined): FieldResult {
  const value = (raw ?? '').trim();
  if (!value) return bad('member_number is required');
  if (value.length > 64) return bad('member_number is longer than 64 characters');
  if (/\s/.test(value)) return bad(`member_number "${value}" contains spaces`);
  return ok(value);
}

export function checkStatus(raw: string | undefined): FieldResult {
  const value = (raw ?? '').trim().toLowerCase();
  if (!value) return ok('current');
  if (value !== 'current' && value !== 'lapsed') return bad(`status "${raw}" must be current or lapsed`);
  return ok(value);
}
