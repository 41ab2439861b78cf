import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './connect.ts';
import { readRow } from './rows.ts';

const journalPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations/meta/_journal.json');
// A probe must not hang for as long as a connection attempt to an unreachable host may take.
const PROBE_TIMEOUT_MS = 3_000;

let newestMigration: Promise<number> | undefined;
/** The timestamp of the newest migration this build ships (drizzle records it as `created_at`). */
const newestShipped = () =>
  (newestMigration ??= readFile(journalPath, 'utf8').then((text) => {
    const { entries } = JSON.parse(text) as { entries: { when: number }[] };
    return Math.max(...entries.map((e) => e.when));
  }));

/**
 * True when the database answers and holds every migration this build ships. Drizzle applies migrations
 * in order and records each one's journal timestamp, so the newest recorded one tells.
 */
export async function isDatabaseReady(database: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  const check = (async () => {
    const { rows } = await database.executeSql(
      'select max(created_at) as newest from drizzle.__drizzle_migrations',
      [],
    );
    const newest =
      readRow((rows[0] ?? { newest: null }) as Record<string, unknown>, { newest: 'number?' }).newest ?? 0;
    return newest >= (await newestShipped());
  })().catch(() => false);
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
