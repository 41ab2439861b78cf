import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Database } from './connect.ts';
import { NotATarball, type TarInput, tarArchive, tarEntries } from './tarFormat.ts';

/**
 * A backup of the embedded database is its data directory as a gzip-compressed tarball — a format PGlite
 * loads (`loadDataDir`) and `tar tzf` lists.
 *
 * Consistency: PGlite runs one statement at a time, and a transaction holds its transaction mutex from
 * BEGIN to COMMIT. The files are read while holding that mutex, after a checkpoint
 * (`Database.betweenTransactions`), so the copy lands between two transactions: every commit before it is
 * in the copy (its WAL is written at commit), nothing of a later one is, and nothing writes meanwhile.
 * Starting from the copy is an ordinary restart. The directory is read with Node's own fs rather than
 * PGlite's `dumpDataDir`, whose file system layer fails on the control socket that lives beside the files.
 */

/** Files of the process that has the directory open, not of the database: a restore must not inherit them. */
const PROCESS_FILES = new Set(['gatehouse.lock', 'gatehouse.sock']);
/** Present in every PostgreSQL data directory: without them a tarball is not one. */
const REQUIRED_FILES = ['PG_VERSION', 'global/pg_control'];

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const entryPath = (name: string) => name.replace(/^\/+/, '');

export class NotABackup extends Error {}

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

/**
 * Checks that `bytes` are a whole backup of a PostgreSQL data directory and returns the tarball for
 * PGlite's `loadDataDir`. Nothing is written; throws NotABackup with the reason.
 */
export async function readEmbeddedBackup(bytes: Uint8Array): Promise<Blob> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new NotABackup('it is not gzip-compressed (a Gatehouse backup is a .tar.gz)');
  }
  let tar: Uint8Array;
  try {
    tar = await gunzip(bytes);
  } catch (e) {
    throw new NotABackup(`it is damaged or cut short (${(e as Error).message})`);
  }
  let names: Set<string>;
  try {
    names = new Set(tarEntries(tar).map((e) => entryPath(e.name)));
  } catch (e) {
    if (e instanceof NotATarball) throw new NotABackup(`it is not a whole tar archive (${e.message})`);
    throw e;
  }
  const missing = REQUIRED_FILES.filter((f) => !names.has(f));
  if (missing.length > 0) {
    throw new NotABackup(`it holds no database directory (${missing.join(', ')} missing)`);
  }
  return new Blob([tar as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' });
}
