/**
 * Values that come back from the browser inside a paging cursor and are then cast by PostgreSQL
 * (`::timestamptz`, compared with text columns). A shape check alone lets `2026-13-45T99:99:99Z` or a NUL
 * through, and the cast then fails as a server error; these checks refuse what the database would.
 */

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/;

/** An ISO timestamp naming a real instant (year 1 to 9999, offsets up to ±14:59). */
export function isRealTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const offsetHours = m[7] === undefined ? 0 : Number(m[7]);
  const offsetMinutes = m[8] === undefined ? 0 : Number(m[8]);
  if (year! < 1 || hour! > 23 || minute! > 59 || second! > 59 || offsetHours > 14 || offsetMinutes > 59) {
    return false;
  }
  // Date.UTC rolls 2026-02-30 over into March; a real date survives the round trip unchanged.
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  date.setUTCFullYear(year!);
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day!;
}

/** Text PostgreSQL can store: no NUL, no unpaired surrogate (which has no UTF-8 form), bounded. */
export function isStorableText(value: unknown, maxLength = 1000): value is string {
  return (
    typeof value === 'string' &&
    value.length <= maxLength &&
    !value.includes('\u0000') &&
    !/\p{Cs}/u.test(value)
  );
}
