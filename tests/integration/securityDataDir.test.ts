import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logging.ts';
import { EMBEDDED_DATA_DIR_ONLY, inPostgresSuite } from '../migratedDataDir.ts';

/** Every path under `dir` (itself included) whose permission bits let anyone but the owner in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const stat = fs.lstatSync(p);
    if ((stat.mode & 0o077) !== 0) found.push(`${(stat.mode & 0o777).toString(8)} ${path.relative(dir, p)}`);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) walk(path.join(p, entry));
  };
  walk(dir);
  return found;
}

// Item 10 of issue 9: an existing DATA_DIR (0755) got database files 0666, so another local user could
// read the argon2 hashes out of the WAL and write to the database.
// Opens an embedded database on disk twice (several seconds each on a busy machine).
describe.skipIf(inPostgresSuite)(
  `the embedded database at rest (${EMBEDDED_DATA_DIR_ONLY})`,
  { timeout: 120_000 },
  () => {
    it('is owner-only at every start, for the files already there and those written later', async () => {
      const parent = fs.mkdtempSync(path.join(tmpdir(), 'gatehouse-perm-'));
      const dataDir = path.join(parent, 'data');
      fs.mkdirSync(path.join(dataDir, 'old'), { recursive: true });
      fs.chmodSync(dataDir, 0o755);
      fs.chmodSync(path.join(dataDir, 'old'), 0o755);
      fs.writeFileSync(path.join(dataDir, 'old', 'notes.txt'), 'left by an earlier version', { mode: 0o644 });
      fs.chmodSync(path.join(dataDir, 'old', 'notes.txt'), 0o644);

      const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
      const app = await createApp(config, { logger: createLogger('warn') });
      try {
        expect(openToOthers(dataDir)).toEqual([]);
        await app.deps.db.execute(sql`create table written_later (secret text)`);
        await app.deps.db.execute(
          sql`insert into written_later select md5(i::text) from generate_series(1, 5000) i`,
        );
        await app.deps.db.execute(sql`checkpoint`);
        expect(openToOthers(dataDir)).toEqual([]);
      } finally {
        await app.close();
      }
      // A later start repairs what was loosened in between (a restore from a backup, a careless chmod).
      fs.chmodSync(dataDir, 0o755);
      const again = await createApp(config, { logger: createLogger('warn') });
      try {
        expect(openToOthers(dataDir)).toEqual([]);
      } finally {
        await again.close();
      }
    });
  },
);
