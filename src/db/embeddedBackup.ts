import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Database } from './connect.ts';
import { type TarInput, tarArchive } from './tarFormat.ts';

/**
 * A backup of the embedded database is its data directory as a gzip-compressed tarball — a format PGlite
 * loads (`loadDataDir`) and `tar tzf` lists; embeddedRestore.ts reads it back.
 *
 * Consistency: PGlite runs one statement at a time, and a transaction holds its transaction mutex from
 * BEGIN to COMMIT. The files are read while holding that mutex, after a checkpoint
 * (`Database.betweenTransactions`), so the copy lands between two transactions: every commit before it is
 * in the copy (its WAL is written at commit), nothing of a later one is, and nothing writes meanwhile.
 * Starting from the copy is an ordinary restart. The directory is read with Node's own fs rather than
 * PGlite's `dumpDataDir`, whose file system layer fails on the control socket that lives beside the files.
 */

/** Files of the process that has the directory open, not of the database: a restore must not inherit them. */
export const PROCESS_FILES = new Set(['gatehouse.lock', 'gatehouse.sock']);

const gzip = promisify(zlib.gzip);

/**
 * Every directory and regular file under `dataDir`, as tar entries (sockets and links are not data).
 * Read synchronously, on purpose: the database waits for the copy anyway, and one uninterrupted read
 * takes a fraction of the time thousands of awaited reads take on a busy server.
 */
function readDataDir(dataDir: string): TarInput[] {
  const entries: TarInput[] = [];
  const walk = (relative: string) => {
    for (const found of fs.readdirSync(path.join(dataDir, relative), { withFileTypes: true })) {
      if (!relative && PROCESS_FILES.has(found.name)) continue;
      if (!found.isDirectory() && !found.isFile()) continue;
      const name = relative ? `${relative}/${found.name}` : found.name;
      const full = path.join(dataDir, name);
      const { mode, mtimeMs } = fs.statSync(full);
      if (found.isDirectory()) {
        entries.push({ name, mode, mtimeMs, directory: true });
        walk(name);
      } else {
        entries.push({ name, mode, mtimeMs, data: fs.readFileSync(full) });
      }
    }
  };
  walk('');
  return entries;
}

/**
 * The compressed backup of the embedded database open in `dataDir`, and how long the database waited
 * for the copy (statements queue meanwhile; packing and compressing come after).
 */
export async function embeddedBackup(
  database: Database,
  dataDir: string,
): Promise<{ bytes: Uint8Array; pausedMs: number }> {
  if (!database.betweenTransactions) throw new Error('backups are for the embedded database (PGlite) only');
  let pausedMs = 0;
  const entries = await database.betweenTransactions(async () => {
    const started = performance.now();
    const read = readDataDir(dataDir);
    pausedMs = performance.now() - started;
    return read;
  });
  return { bytes: await gzip(tarArchive(entries), { level: 6 }), pausedMs };
}
