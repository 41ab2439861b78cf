import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import { accounts, clearedLogins } from '../../db/schema.ts';

/**
 * The columns of a login, read from the `accounts` table itself: what Clear All Usernames copies into
 * `cleared_logins` and what Restore puts back. Derived, not listed, so a column added to `accounts`
 * travels with the rest — or, if `cleared_logins` lacks it, Clear All fails loudly (and its test names
 * the column) rather than a Restore silently bringing back a login without it.
 */
export const loginColumnNames: readonly string[] = Object.values(getTableColumns(accounts)).map(
  (c) => c.name,
);

/** In `cleared_logins` a login's own id is kept as `account_id`; every other column has its own name. */
export const clearedNameOf = (accountColumn: string): string =>
  accountColumn === 'id' ? 'account_id' : accountColumn;

/** The columns of `cleared_logins` that hold a login (not the clear's own bookkeeping). */
export const clearedLoginColumnNames: readonly string[] = loginColumnNames.map(clearedNameOf);

/** `cleared_logins`' own columns: which clear the copy belongs to, and when it was restored. */
export const clearBookkeepingColumns: readonly string[] = Object.values(getTableColumns(clearedLogins))
  .map((c) => c.name)
  .filter((name) => !clearedLoginColumnNames.includes(name));

const list = (names: readonly string[], alias?: string): SQL =>
  sql.raw(names.map((name) => (alias ? `${alias}.${name}` : name)).join(', '));

/** `id, member_id, …` — a login's columns as `accounts` names them, in one order. */
export const accountColumnList = (alias?: string): SQL => list(loginColumnNames, alias);

/** `account_id, member_id, …` — the same columns, in the same order, as `cleared_logins` names them. */
export const clearedColumnList = (alias?: string): SQL => list(clearedLoginColumnNames, alias);
