import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/connect.ts';
import { queryRows, type RowOf } from '../../db/rows.ts';
import type { RosterColumns } from './parseRosterCsv.ts';
import { lowerCased } from './rosterRows.ts';

export type RosterChanges = { added: number; updated: number; unchanged: number };

/** The rows as a relation. Rows arrive as one array per column: one parameter each, however many rows. */
const incoming = (c: RosterColumns): SQL => sql`
  unnest(${sql.param(c.memberNumber)}::text[], ${sql.param(c.firstName)}::text[],
         ${sql.param(c.lastName)}::text[], ${sql.param(c.email)}::text[],
         ${sql.param(lowerCased(c.email))}::text[], ${sql.param(c.status)}::text[])
    as u(member_number, first_name, last_name, email, email_lower, status)`;

/**
 * What makes a row "changed". Email is compared lower-cased: an address that differs only in case is the
 * same mailbox, so it is not worth an update (and the stored spelling is kept).
 */
const differs = (existing: string, row: string): SQL =>
  sql.raw(
    `(${existing}.first_name, ${existing}.last_name, ${existing}.email_lower, ${existing}.status)
     is distinct from (${row}.first_name, ${row}.last_name, ${row}.email_lower, ${row}.status)`,
  );

const COUNTS = { added: 'number', updated: 'number', total: 'number' } as const;
type CountRow = RowOf<typeof COUNTS>;

const toChanges = (r: CountRow | undefined): RosterChanges => ({
  added: r?.added ?? 0,
  updated: r?.updated ?? 0,
  unchanged: (r?.total ?? 0) - (r?.added ?? 0) - (r?.updated ?? 0),
});

/** What an upsert of these rows would do, without doing it. */
export async function countRosterChanges(db: DbOrTx, rows: RosterColumns): Promise<RosterChanges> {
  const [r] = await queryRows(
    db,
    sql`
    select count(*) filter (where m.id is null) as added,
           count(*) filter (where m.id is not null and ${differs('m', 'u')}) as updated,
           count(*) as total
    from ${incoming(rows)}
    left join members m on m.member_number = u.member_number`,
    COUNTS,
  );
  return toChanges(r);
}

/** The upsert of the rows in `from`: an update only where a field differs. */
const upsertInto = (at: string, from: SQL) => sql`
  insert into members (member_number, first_name, last_name, email, email_lower, status, created_at, updated_at)
  select member_number, first_name, last_name, email, email_lower, status, ${at}::timestamptz, ${at}::timestamptz
  from ${from}
  on conflict (member_number) do update set
    first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email,
    email_lower = excluded.email_lower, status = excluded.status, updated_at = excluded.updated_at
  where ${differs('members', 'excluded')}`;

/**
 * Inserts new members and updates changed ones, in the caller's transaction. Rows that would not change
 * are left out before the insert, so they cost no conflict check (which locks the row) and keep their
 * `updated_at`. When most rows are expected to be new (`mostlyNew`: a first load), that classification
 * is a join per row for nothing: every row goes to the upsert, and what it wrote is told apart by
 * `xmax = 0` (a row version this statement inserted, not one it updated) — 15 % of a first load on
 * PGlite. The counts come from the same snapshot as the write; the caller serialises imports so no other
 * import interleaves. It writes whatever it is given: the rule that no roster change moves an
 * administrator's email is checked before, under lock, by importRoster (loginEmailChanges), so every
 * roster change goes through importRoster rather than straight here.
 */
export async function upsertRosterRows(
  tx: Tx,
  rows: RosterColumns,
  now: Date,
  { mostlyNew = false } = {},
): Promise<RosterChanges> {
  const at = now.toISOString();
  if (mostlyNew) {
    const [r] = await queryRows(
      tx,
      sql`with written as (${upsertInto(at, incoming(rows))} returning xmax = 0 as added)
          select count(*) filter (where added) as added, count(*) filter (where not added) as updated,
                 ${rows.memberNumber.length}::int as total
          from written`,
      COUNTS,
    );
    return toChanges(r);
  }
  const [r] = await queryRows(
    tx,
    sql`
    with classified as (
      select u.*, m.id is null as is_new, ${differs('m', 'u')} as changed
      from ${incoming(rows)}
      left join members m on m.member_number = u.member_number
    ), written as (${upsertInto(at, sql`classified where changed`)})
    select count(*) filter (where is_new) as added,
           count(*) filter (where changed and not is_new) as updated,
           count(*) as total
    from classified`,
    COUNTS,
  );
  return toChanges(r);
}

// Arbitrary constant: one roster import at a time, so each one's counts describe exactly what it did.
const IMPORT_LOCK_ID = 7_406_002;

export async function serialiseRosterImports(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK_ID})`);
}

// Fewer rows than this are never a bulk load: keeping the indexes up costs less than rebuilding them.
const BULK_LOAD_MIN_ROWS = 5_000;
const MEMBERS_INDEXES = { name: 'text', definition: 'text' } as const;

/** How an import of many rows is best written (see upsertRosterRows and decision 0027). */
export type RosterLoad = { mostlyNew: boolean; firstBulkLoad: boolean };

/**
 * How to write `rows` valid rows: `mostlyNew` when the roster holds at most half as many members (counted
 * no further than that), and `firstBulkLoad` — members' secondary indexes better rebuilt once at the end
 * than kept up row by row (decision 0027) — when besides there are many rows and no member has a login
 * yet: only administrators can be signed in, and a rebuild keeps every reader of members waiting.
 */
export async function rosterLoadOf(tx: Tx, rows: number): Promise<RosterLoad> {
  const [r] = await queryRows(
    tx,
    sql`select (select count(*) from (select 1 from members limit ${Math.floor(rows / 2) + 1}) s) as members,
               exists (select 1 from accounts where role = 'member') as "memberLogins"`,
    { members: 'number', memberLogins: 'boolean' },
  );
  const mostlyNew = r!.members * 2 <= rows;
  return { mostlyNew, firstBulkLoad: mostlyNew && rows >= BULK_LOAD_MIN_ROWS && !r!.memberLogins };
}

/**
 * Runs `work` with members' non-unique indexes dropped, then builds them again from their own definitions
 * (a unique index stays: the upsert and the checks need it), all in the caller's transaction, so a failed
 * import rolls the drop back too. The table is locked first, before the import reads or locks a row of
 * it, so the lock is never upgraded behind another transaction's.
 */
export async function withMembersIndexesRebuilt<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  await tx.execute(sql`lock table members in access exclusive mode`);
  const indexes = await queryRows(
    tx,
    sql`select indexname as name, indexdef as definition from pg_indexes
        where schemaname = current_schema() and tablename = 'members' and indexdef not like 'CREATE UNIQUE %'
        order by indexname`,
    MEMBERS_INDEXES,
  );
  for (const index of indexes) await tx.execute(sql`drop index ${sql.identifier(index.name)}`);
  const result = await work();
  // A trigram index over a million rows builds about a quarter faster with room to sort in (measured).
  await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
  for (const index of indexes) await tx.execute(sql.raw(index.definition));
  return result;
}
