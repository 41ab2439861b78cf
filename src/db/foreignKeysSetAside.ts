import { type SQL, sql } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import type { Tx } from './connect.ts';
import { isLockTimeout } from './pgErrors.ts';
import { queryRows, type RowOf } from './rows.ts';

const FOREIGN_KEY = {
  table: 'text',
  name: 'text',
  column: 'text',
  references: 'text',
  onDelete: 'text',
  definition: 'text',
} as const;

type ForeignKey = RowOf<typeof FOREIGN_KEY>;

/**
 * Runs a bulk `work` that deletes rows of `table` (and writes `alsoTables`) with the foreign keys that
 * point at `table`, and those of `alsoTables`, set aside: PostgreSQL checks and acts on a foreign key once
 * per row, by a query of its own — for Clear All Usernames, 13 keys point at accounts and a million such
 * queries took about half of the clear. Here each key's ON DELETE (cascade, set null) is done once for the
 * whole set of `deletedIds`, and then every key is added again from its own definition, which checks all
 * rows in one scan: a row left pointing at nothing fails the transaction, so nothing is ever weaker than
 * with the keys in place. All in the caller's transaction: a failure rolls the drop back too.
 *
 * The keys are read from the catalog, so a key added to the schema later is set aside and kept like the
 * rest. The price is ACCESS EXCLUSIVE locks on every table involved until commit: other requests reading
 * them wait meanwhile. The tables are all locked first, in one statement (see `lockAll`).
 */
export async function withForeignKeysSetAside<T>(
  tx: Tx,
  target: { table: string; alsoTables: string[]; deletedIds: SQL; lockAttempts?: number },
  work: () => Promise<T>,
): Promise<T> {
  const keys = await queryRows(
    tx,
    sql`select c.conrelid::regclass::text as "table", c.conname as name, a.attname as "column",
               c.confrelid::regclass::text as "references", c.confdeltype as "onDelete", pg_get_constraintdef(c.oid) as definition
        from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        where c.contype = 'f' and cardinality(c.conkey) = 1
          and (c.confrelid = ${target.table}::regclass
               or c.conrelid = any(${`{${target.alsoTables.join(',')}}`}::regclass[]))
        order by 1, 2`,
    FOREIGN_KEY,
  );
  const locked = [...new Set([target.table, ...keys.flatMap((k) => [k.table, k.references])])];
  await lockAll(tx, locked, target.lockAttempts ?? LOCK_ATTEMPTS);
  for (const key of keys)
    await tx.execute(sql.raw(`alter table ${key.table} drop constraint ${quoted(key.name)}`));
  const result = await work();
  for (const key of keys.filter((k) => k.references === target.table)) {
    const action = deleteAction(key, target.deletedIds);
    if (action) await tx.execute(action);
  }
  for (const key of keys)
    await tx.execute(
      sql.raw(`alter table ${key.table} add constraint ${quoted(key.name)} ${key.definition}`),
    );
  return result;
}

// Waiting for a lock behind a long reader (a million-row export, say) would queue every other request
// behind this one: wait a second at a time instead, letting them through in between, up to a minute.
const LOCK_WAIT_MS = 1000;
const LOCK_ATTEMPTS = 60;
const LOCK_PAUSE_MS = 200;

/** ACCESS EXCLUSIVE on every table, all in one statement, waiting at most LOCK_WAIT_MS per attempt. */
async function lockAll(tx: Tx, tables: string[], attempts: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A savepoint, so that a lock not granted in time fails this attempt and not the transaction;
      // the wait limit is the savepoint's own (SET LOCAL ends with it), not the later statements'.
      await tx.transaction(async (savepoint) => {
        await savepoint.execute(sql.raw(`set local lock_timeout = ${LOCK_WAIT_MS}`));
        await savepoint.execute(sql.raw(`lock table ${tables.join(', ')} in access exclusive mode`));
        await savepoint.execute(sql.raw('set local lock_timeout = default'));
      });
      return;
    } catch (e) {
      if (!isLockTimeout(e)) throw e;
      if (attempt >= attempts)
        throw new AppError(
          'conflict',
          'Other work (a large export or import, say) kept the database busy, so nothing was changed. Try again in a few minutes.',
        );
      await new Promise((resolve) => setTimeout(resolve, LOCK_PAUSE_MS));
    }
  }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * What the key's ON DELETE would have done to each row pointing at one of `deletedIds`, done at once; none
 * for NO ACTION / RESTRICT, where a row still pointing at a deleted one fails the key's re-adding.
 */
function deleteAction(key: ForeignKey, deletedIds: SQL): SQL | null {
  const table = sql.raw(key.table);
  const column = sql.identifier(key.column);
  switch (key.onDelete) {
    case 'c':
      return sql`delete from ${table} where ${column} in (${deletedIds})`;
    case 'n':
      return sql`update ${table} set ${column} = null where ${column} in (${deletedIds})`;
    case 'd': // not used by this schema
      throw new Error(`${key.name}: ON DELETE SET DEFAULT is not supported here`);
    default:
      return null;
  }
}
