import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { describe, expect, it } from 'vitest';
import { restoreInto } from '../../src/cli/restoreInto.ts';
import { openPglite } from '../../src/db/connect.ts';
import { embeddedBackup } from '../../src/db/embeddedBackup.ts';
import { readEmbeddedBackup } from '../../src/db/embeddedRestore.ts';
import { tempDataDir } from '../cliProcess.ts';
import { inPostgresSuite } from '../migratedDataDir.ts';

// Embedded database only (PostgreSQL is backed up with pg_dump): skipped on the PostgreSQL run.
const migrations = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/db/migrations');
const journal = JSON.parse(fs.readFileSync(path.join(migrations, 'meta/_journal.json'), 'utf8')) as {
  entries: unknown[];
};

/** A migrations folder as an older version of Gatehouse shipped it: only its first `count` migrations. */
function olderMigrations(count: number): string {
  const folder = path.join(tempDataDir(), 'migrations');
  fs.cpSync(migrations, folder, { recursive: true });
  const older = { ...journal, entries: journal.entries.slice(0, count) };
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(older));
  return folder;
}

/** A backup of the embedded database in `dataDir`, after `prepare` ran on it. */
async function backupOf(
  dataDir: string,
  prepare: (sql: (text: string) => Promise<unknown>) => Promise<unknown> = async () => {},
) {
  const database = await openPglite(dataDir);
  try {
    await prepare((text) => database.executeSql(text));
    return await readEmbeddedBackup((await embeddedBackup(database, dataDir)).bytes);
  } finally {
    await database.close();
  }
}

describe.skipIf(inPostgresSuite)(
  'restoring backups of other versions (embedded database only)',
  { timeout: 300_000 },
  () => {
    it('brings an older backup up to this version, and refuses a newer one or a foreign database', async () => {
      const older = path.join(tempDataDir(), 'older');
      const client = await PGlite.create({ dataDir: older, extensions: { pg_trgm } });
      await migrate(drizzle(client), { migrationsFolder: olderMigrations(5) });
      await client.close();

      const parent = tempDataDir();
      const upgraded = await restoreInto(path.join(parent, 'upgraded'), await backupOf(older));
      expect(upgraded.migrationsApplied).toBe(journal.entries.length - 5);
      const reopened = await openPglite(path.join(parent, 'upgraded'));
      try {
        const { rows } = await reopened.executeSql(
          'select count(*)::int as n from drizzle.__drizzle_migrations',
        );
        expect(rows).toEqual([{ n: journal.entries.length }]);
      } finally {
        await reopened.close();
      }

      // A migration this version does not know: made by a later Gatehouse.
      const newer = await backupOf(older, (sql) =>
        sql(`insert into drizzle.__drizzle_migrations (hash, created_at) values ('later', 9999999999999)`),
      );
      await expect(restoreInto(path.join(parent, 'newer'), newer)).rejects.toThrow(/made by a newer version/);

      const foreign = path.join(tempDataDir(), 'foreign'); // a PostgreSQL database, but not Gatehouse's
      await expect(restoreInto(path.join(parent, 'foreign'), await backupOf(foreign))).rejects.toThrow(
        /not a Gatehouse one/,
      );
      // Only the restored directory: the refused restores left nothing behind.
      expect(fs.readdirSync(parent)).toEqual(['upgraded']);
    });
  },
);
