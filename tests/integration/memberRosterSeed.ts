import { sql } from 'drizzle-orm';
import { accounts, type DeliveryState, members } from '../../src/db/schema.ts';
import type { RosterSort } from '../../src/domain/reports/memberRosterQuery.ts';
import type { TestApp } from '../harness.ts';

// Shared by memberRoster.test.ts and memberRosterCsv.test.ts: a roster with ties everywhere a sort can tie.

export type Seed = {
  number: string;
  first: string;
  last: string;
  email?: string;
  status?: 'current' | 'lapsed';
  /** A login: its username, when it was made and the Last Login (null: never logged in). ISO with µs. */
  login?: { username: string; created: string; lastLogin: string | null };
  delivery?: DeliveryState;
};
export type Seeded = Seed & { id: number };

const emailOf = (s: Seed) => s.email ?? `${s.first}.${s.last}@example.org`.toLowerCase();

/** Members and logins inserted directly (timestamps as SQL text, so no microsecond is lost). */
export async function seed(t: TestApp, rows: Seed[]): Promise<Seeded[]> {
  const inserted = await t.deps.db
    .insert(members)
    .values(
      rows.map((r) => ({
        memberNumber: r.number,
        firstName: r.first,
        lastName: r.last,
        email: emailOf(r),
        emailLower: emailOf(r).toLowerCase(),
        status: r.status ?? 'current',
        invitationsSent: r.delivery ? 1 : 0,
        lastInvitedAt: r.delivery ? new Date('2026-01-02T10:00:00Z') : null,
        deliveryState: r.delivery ?? null,
        deliveryDetail: r.delivery === 'failed' ? '550 5.1.1 mailbox unavailable' : null,
      })),
    )
    .returning({ id: members.id });
  const seeded = rows.map((r, i) => ({ ...r, id: inserted[i]!.id }));
  for (const m of seeded.filter((s) => s.login)) {
    const { username, created, lastLogin } = m.login!;
    await t.deps.db.insert(accounts).values({
      memberId: m.id,
      username,
      usernameLower: username.toLowerCase(),
      passwordHash: 'not-a-real-hash',
    });
    await t.deps.db.execute(
      sql`update accounts set created_at = ${created}::timestamptz, last_login_at = ${lastLogin}::timestamptz
          where member_id = ${m.id}`,
    );
  }
  return seeded;
}

export const login = (username: string, created: string, lastLogin: string | null) => ({
  username,
  created,
  lastLogin,
});

// Ties everywhere a sort can tie: same names, shared emails, same login times to the microsecond.
export const roster: Seed[] = [
  {
    number: 'M01',
    first: 'Ada',
    last: 'Lovelace',
    login: login('ada', '2025-06-01T10:00:00.000001Z', '2026-01-10T10:00:00.123456Z'),
  },
  {
    number: 'M02',
    first: 'Ada',
    last: 'Lovelace',
    email: 'shared@example.org',
    login: login('ada2', '2025-06-01T10:00:00.000001Z', '2026-01-10T10:00:00.123456Z'),
  },
  { number: 'M03', first: 'Ada', last: 'Lovelace', email: 'shared@example.org' },
  {
    number: 'M04',
    first: 'Grace',
    last: 'Hopper',
    login: login('Grace', '2025-07-01T00:00:00Z', '2026-01-10T10:00:00.123457Z'),
    delivery: 'sent',
  },
  {
    number: 'M05',
    first: 'Alan',
    last: 'Turing',
    status: 'lapsed',
    login: login('alan', '2025-05-01T00:00:00Z', '2026-01-14T00:00:00Z'),
  },
  { number: 'M06', first: 'Katherine', last: 'Johnson', delivery: 'failed' },
  {
    number: 'M07',
    first: 'Dorothy',
    last: 'Vaughan',
    login: login('dorothy', '2025-08-01T00:00:00Z', null),
    delivery: 'failed',
  },
  { number: 'M08', first: 'Mary', last: 'Jackson', login: login('mary', '2025-08-01T00:00:00Z', null) },
  {
    number: 'M09',
    first: 'Edsger',
    last: 'Dijkstra',
    login: login('edsger', '2024-01-01T00:00:00Z', '2025-12-31T23:59:59.999999Z'),
    delivery: 'failed',
  },
  {
    number: 'M10',
    first: 'Barbara',
    last: 'Liskov',
    login: login('barbara', '2025-09-01T00:00:00Z', '2026-01-01T00:00:00Z'),
  },
  { number: 'M11', first: 'Joined', last: 'Never', delivery: 'queued' },
  { number: 'M12', first: 'Zed', last: 'Zimmer' },
  { number: 'M13', first: 'Lapsed', last: 'Nologin', status: 'lapsed' },
  {
    number: 'A100',
    first: 'Ann',
    last: 'Number',
    login: login('ann', '2026-01-01T00:00:00Z', '2026-01-12T08:00:00Z'),
  },
];

export const current = (all: Seeded[]) => all.filter((m) => (m.status ?? 'current') === 'current');

/**
 * The order each sort promises, computed here independently of the SQL: [group, ...keys]. Group 1 — no
 * value (no login; for Last Login also never logged in) — comes after group 0 in both directions.
 */
function expectedKey(m: Seeded, sort: RosterSort): [number, ...(string | number)[]] {
  switch (sort) {
    case 'name':
      return [0, m.last, m.first, m.id];
    case 'memberNumber':
      return [0, m.number];
    case 'email':
      return [0, emailOf(m).toLowerCase(), m.id];
    case 'username':
      return m.login ? [0, m.login.username.toLowerCase()] : [1, m.id];
    case 'loginCreated':
      return m.login ? [0, m.login.created, m.id] : [1, m.id];
    case 'lastLogin':
      return m.login?.lastLogin ? [0, m.login.lastLogin, m.id] : [1, m.id];
  }
}

function compare(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** Fixed-width ISO text, so that text order is time order (every seed time is written that way or in whole seconds). */
const micro = (iso: string) =>
  `${new Date(iso).toISOString().slice(0, 19)}.${(/\.(\d+)/.exec(iso)?.[1] ?? '').padEnd(6, '0')}`;

export function expectedOrder(
  all: Seeded[],
  sort: RosterSort,
  dir: 'asc' | 'desc',
  keep = (_m: Seeded) => true,
) {
  const sign = dir === 'asc' ? 1 : -1;
  const norm = (k: (string | number)[]) =>
    k.map((v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? micro(v) : v));
  return current(all)
    .filter(keep)
    .sort((a, b) => {
      const [ga, ...ka] = expectedKey(a, sort);
      const [gb, ...kb] = expectedKey(b, sort);
      return ga !== gb ? ga - gb : sign * compare(norm(ka), norm(kb));
    })
    .map((m) => m.id);
}
