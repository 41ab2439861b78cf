import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { type Database, openPglite } from '../db/connect.ts';
import { type CheckedBackup, NotABackup, writeEmbeddedBackup } from '../db/embeddedRestore.ts';
import { makeDataDirPrivate } from '../db/privateDataDir.ts';
import { queryRows } from '../db/rows.ts';
import { AppError } from '../errors.ts';

/** The migrations this version knows, by the timestamp drizzle records for each one it applies. */
function knownMigrations(): number[] {
  const journal = new URL('../db/migrations/meta/_journal.json', import.meta.url);
  const { entries } = JSON.parse(fs.readFileSync(journal, 'utf8')) as { entries: { when: number }[] };
  return entries.map((e) => e.when);
}

/** How many of this version's migrations the restored database lacks; refuses one made by a newer version. */
async function pendingMigrations(database: Database): Promise<number> {
  const [table] = await queryRows(
    database.db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as found`,
    { found: 'boolean' },
  );
  if (!table!.found)
    throw new NotABackup('it is a database, but not a Gatehouse one (it has no migrations table)');
  const [row] = await queryRows(
    database.db,
    sql`select coalesce(max(created_at), 0) as last from drizzle.__drizzle_migrations`,
    { last: 'number' },
  );
  const last = row!.last;
  const known = knownMigrations();
  if (last > Math.max(...known)) {
    throw new NotABackup(
      'it was made by a newer version of Gatehouse, whose database this version does not know. Restore it with that version (or a later one)',
    );
  }
  return known.filter((when) => when > last).length;
}

/**
 * Writes a checked backup into a new directory beside `dataDir`, opens it, brings it to this version's
 * schema, and only then gives it the name `dataDir` (one rename: `dataDir` is either untouched or whole).
 * Resolves to the number of migrations applied. On any failure the new directory is removed again.
 */
export async function restoreInto(
  dataDir: string,
  backup: CheckedBackup,
): Promise<{ migrationsApplied: number }> {
  process.umask(0o077); // owner-only from the first file on, like a fresh DATA_DIR
  const parent = path.dirname(dataDir);
  let temp: string;
  try {
    fs.mkdirSync(parent, { recursive: true });
    temp = fs.mkdtempSync(path.join(parent, `.${path.basename(dataDir)}.restoring-`));
  } catch (e) {
    // The work directory must sit beside DATA_DIR (one rename puts it in place), so the parent must be
    // writable — not the case for, say, a systemd StateDirectory under /var/lib.
    throw new AppError(
      'unavailable',
      `cannot create a work directory in ${parent} (${(e as NodeJS.ErrnoException).code}). Restore into a ` +
        'DATA_DIR whose parent this account can write to, then move the directory into place. Nothing was changed.',
    );
  }
  try {
    writeEmbeddedBackup(backup, temp);
    let database: Database;
    try {
      database = await openPglite(temp);
    } catch (e) {
      throw new NotABackup(`the database in it does not open (${(e as Error).message})`);
    }
    let migrationsApplied: number;
    try {
      migrationsApplied = await pendingMigrations(database);
      await database.migrate();
    } finally {
      await database.close();
    }
    makeDataDirPrivate(temp);
    try {
      // rename(2) replaces an empty directory and refuses a non-empty one: a server that started on the
      // empty DATA_DIR meanwhile keeps it.
      fs.renameSync(temp, dataDir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      throw new AppError(
        'unavailable',
        `${dataDir} was written to during the restore; it was left as it is.`,
      );
    }
    return { migrationsApplied };
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}
