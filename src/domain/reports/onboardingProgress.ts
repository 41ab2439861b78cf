import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';

const DAY_MS = 86_400_000;
/** Up to this many days of history the curve has a point per day, then per week, then per month. */
const DAILY_UP_TO_DAYS = 92;
const WEEKLY_UP_TO_DAYS = 2 * 365;

export type OnboardingBucket = 'day' | 'week' | 'month';

export type OnboardingProgress = {
  bucket: OnboardingBucket;
  /** Logins that exist today, counted cumulatively by when they were created: x = a bucket's first day. */
  points: { x: Date; y: number }[];
};

const parseDay = (s: string) => new Date(`${s}T00:00:00Z`);

/** The first day of the bucket holding `d` (weeks start on Monday, as in ISO 8601). All UTC. */
function bucketStart(d: Date, bucket: OnboardingBucket): Date {
  if (bucket === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  if (bucket === 'day') return day;
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
}

function nextBucket(d: Date, bucket: OnboardingBucket): Date {
  if (bucket === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  return new Date(d.getTime() + (bucket === 'day' ? 1 : 7) * DAY_MS);
}

/**
 * Logins created over the roster's history, cumulative. The database keeps one row per day that had a
 * new login (account_days, a few hundred rows even for a large portal, kept by migration 0021's triggers
 * on accounts); bucketing into weeks or months, and filling the days without a new login, happens here.
 */
export async function onboardingProgress(deps: Pick<Deps, 'db' | 'clock'>): Promise<OnboardingProgress> {
  const perDay = await queryRows(
    deps.db,
    // account_days (migration 0021) holds, per UTC day, the logins created that day that still exist.
    sql`select to_char(date '1970-01-01' + day, 'YYYY-MM-DD') as day, accounts as n
        from account_days where accounts <> 0 order by account_days.day`,
    { day: 'text', n: 'number' },
  );
  const now = deps.clock.now();
  if (perDay.length === 0) return { bucket: 'day', points: [] };
  const first = parseDay(perDay[0]!.day);
  const spanDays = (now.getTime() - first.getTime()) / DAY_MS;
  const bucket: OnboardingBucket =
    spanDays <= DAILY_UP_TO_DAYS ? 'day' : spanDays <= WEEKLY_UP_TO_DAYS ? 'week' : 'month';

  const perBucket = new Map<number, number>();
  for (const row of perDay) {
    const key = bucketStart(parseDay(row.day), bucket).getTime();
    perBucket.set(key, (perBucket.get(key) ?? 0) + row.n);
  }
  // A login dated after the clock (clock skew between servers) still counts, in its own bucket.
  const lastDay = parseDay(perDay.at(-1)!.day);
  const end = bucketStart(new Date(Math.max(lastDay.getTime(), now.getTime())), bucket).getTime();
  const points: { x: Date; y: number }[] = [];
  let cumulative = 0;
  for (let at = bucketStart(first, bucket); at.getTime() <= end; at = nextBucket(at, bucket)) {
    cumulative += perBucket.get(at.getTime()) ?? 0;
    points.push({ x: at, y: cumulative });
  }
  return { bucket, points };
}
