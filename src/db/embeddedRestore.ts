import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { PROCESS_FILES } from './embeddedBackup.ts';
import { NotATarball, type TarEntry, tarEntries } from './tarFormat.ts';

/** Present in every PostgreSQL data directory: without them a tarball is not one. */
const REQUIRED_FILES = ['PG_VERSION', 'global/pg_control'];

const gunzip = promisify(zlib.gunzip);
/** An entry's path inside the data directory (PGlite's own dumps start every name with a slash). */
const entryPath = (name: string) => name.replace(/^\/+/, '');

export class NotABackup extends Error {}

export type CheckedBackup = { entries: TarEntry[] };

/**
 * Checks that `bytes` are a whole backup of a PostgreSQL data directory: gzip, a tarball with intact
 * headers, only directories and regular files, no path leading outside the directory, and the files every
 * data directory has. Nothing is written; throws NotABackup with the reason.
 */
export async function readEmbeddedBackup(bytes: Uint8Array): Promise<CheckedBackup> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new NotABackup('it is not gzip-compressed (a Gatehouse backup is a .tar.gz)');
  }
  let tar: Uint8Array;
  try {
    tar = await gunzip(bytes);
  } catch (e) {
    throw new NotABackup(`it is damaged or cut short (${(e as Error).message})`);
  }
  let entries: TarEntry[];
  try {
    entries = tarEntries(tar);
  } catch (e) {
    if (e instanceof NotATarball) throw new NotABackup(`it is not a whole tar archive (${e.message})`);
    throw e;
  }
  for (const entry of entries) {
    const name = entryPath(entry.name);
    if (name.split('/').includes('..'))
      throw new NotABackup(`it holds a path leading outside (${entry.name})`);
    if (!['0', '\0', '5'].includes(entry.type)) {
      throw new NotABackup(`it holds ${entry.name}, neither a file nor a directory`);
    }
  }
  const names = new Set(entries.map((e) => entryPath(e.name)));
  const missing = REQUIRED_FILES.filter((f) => !names.has(f));
  if (missing.length > 0) {
    throw new NotABackup(`it holds no database directory (${missing.join(', ')} missing)`);
  }
  return { entries };
}

/**
 * Writes a checked backup's files into the new, empty directory `dir`, owner-only. Files of the process
 * that made the backup (an old or hand-made tarball may carry them) are left out.
 */
export function writeEmbeddedBackup(backup: CheckedBackup, dir: string): void {
  for (const entry of backup.entries) {
    const name = entryPath(entry.name);
    if (!name || PROCESS_FILES.has(name)) continue;
    const target = path.join(dir, name);
    if (entry.type === '5') {
      fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, entry.data, { mode: 0o600, flag: 'wx' });
    }
  }
}
