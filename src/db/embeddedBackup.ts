import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Database } from './connect.ts';
import { NotATarball, tarEntries, tarWithout } from './tarEntries.ts';

/**
 * A backup of the embedded database is its data directory as a gzip-compressed tarball — the format PGlite
 * itself dumps and loads (`dumpDataDir` / `loadDataDir`), so `tar tzf` can list it.
 *
 * Consistency: PGlite runs one statement at a time, and a transaction holds its transaction mutex from
 * BEGIN to COMMIT. The snapshot is copied while holding that mutex (connect.ts), so it lands between two
 * transactions: every commit before it is in the copy (its WAL is written at commit), nothing of a later
 * one is. Starting from the copy is then an ordinary restart after a stop.
 */

/** Files of the process that had the directory open, not of the database: a restore must not inherit them. */
const PROCESS_FILES = new Set(['gatehouse.lock', 'gatehouse.sock']);
/** Present in every PostgreSQL data directory: without them a tarball is not one. */
const REQUIRED_FILES = ['PG_VERSION', 'global/pg_control'];

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const entryPath = (name: string) => name.replace(/^\/+/, '');

export class NotABackup extends Error {}

/** The compressed backup of an open embedded database. */
export async function embeddedBackup(database: Database): Promise<Uint8Array> {
  if (!database.snapshot) throw new Error('backups are for the embedded database (PGlite) only');
  const tar = await database.snapshot();
  // Compressed after the mutex is released: requests go on being answered meanwhile.
  return gzip(
    tarWithout(tar, (name) => PROCESS_FILES.has(entryPath(name))),
    { level: 6 },
  );
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
