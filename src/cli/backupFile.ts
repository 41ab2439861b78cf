import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/connect.ts';
import { embeddedBackup } from '../db/embeddedBackup.ts';
import type { CommandIO } from './io.ts';

export type BackupArgs = {
  /** absolute: the server may run in another directory */ file: string;
  force: boolean;
};

const codeOf = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export const formatSize = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * Writes a backup of the open embedded database to `file`, in whichever process has it open (the server,
 * through the control socket, or the command line itself). The backup goes to a temporary file beside
 * `file` and takes its name only when whole, so a failure or a crash never leaves a half-written backup
 * under that name. Owner-only from the first byte: it holds password hashes.
 */
export async function backUpTo(
  database: Database,
  dataDir: string,
  args: BackupArgs,
  io: CommandIO,
): Promise<number> {
  const { file, force } = args;
  if (!database.betweenTransactions) {
    io.print('error: this process uses PostgreSQL: back it up with pg_dump or pg_basebackup.');
    return 2;
  }
  const inside = path.relative(dataDir, file);
  if (!inside.startsWith('..') && !path.isAbsolute(inside)) {
    // It would be copied into the next backup, and a restore leaves it inside the restored database.
    io.print(`error: ${file} is inside DATA_DIR (${dataDir}). Write the backup somewhere else.`);
    return 2;
  }
  if (!force && fs.existsSync(file)) {
    io.print(`error: ${file} already exists. Choose another name, or add --force to replace it.`);
    return 2;
  }
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.partial`,
  );
  let fd: number;
  try {
    fd = fs.openSync(temp, 'wx', 0o600);
  } catch (e) {
    io.print(`error: cannot write in ${path.dirname(file)} (${codeOf(e)}).`);
    return 2;
  }
  try {
    const started = Date.now();
    let pausedMs = 0;
    try {
      const backup = await embeddedBackup(database, dataDir);
      pausedMs = backup.pausedMs;
      fs.writeFileSync(fd, backup.bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (!publish(temp, file, force)) {
      io.print(
        `error: ${file} appeared while the backup was written; it was left alone. Add --force to replace it.`,
      );
      return 2;
    }
    syncDirectory(path.dirname(file));
    const size = formatSize(fs.statSync(file).size);
    io.print(
      `Backed up the embedded database to ${file} (${size} in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `the database paused ${Math.round(pausedMs)} ms for the copy).`,
    );
    io.print(
      'It holds password hashes and personal data: keep it private (it is readable by its owner only).',
    );
    io.print(
      `To restore it: run "gatehouse restore ${file}" with DATA_DIR set to an empty or new directory, then start Gatehouse on that directory.`,
    );
    return 0;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Gives the finished temporary file its name. Without --force a hard link refuses to replace a file
 * created in the meantime (a rename would silently replace it); with --force the rename replaces at once.
 */
function publish(temp: string, file: string, force: boolean): boolean {
  if (force) {
    fs.renameSync(temp, file);
    return true;
  }
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: check, then rename (a narrow window, but still a check).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
    if (fs.existsSync(file)) return false;
    fs.renameSync(temp, file);
    return true;
  }
}

/** So that the new name survives a power cut as well as the contents do. */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the file itself is already on disk.
  }
}
