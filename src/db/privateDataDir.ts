import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

/**
 * The embedded database's files hold argon2 hashes, session hashes and the audit trail: nobody but the
 * operator's account may read or write them. PGlite writes through Node's fs with mode 0666, so the
 * process umask decides; and a DATA_DIR made by hand or restored from a backup may be looser still. So
 * every process that opens the directory tightens the umask for itself (everything it creates from now on
 * is owner-only, uploads too) and repairs what is already there — at every start, not only the first.
 */
export function makeDataDirPrivate(dataDir: string): void {
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrict(dataDir);
}

function restrict(target: string): void {
  // lstat: a symbolic link is neither followed nor changed, so a link cannot aim the chmod elsewhere.
  const stat = fs.lstatSync(target);
  if (stat.isSymbolicLink()) return;
  const wanted = stat.isDirectory() ? 0o700 : 0o600;
  if ((stat.mode & 0o777) !== wanted) {
    try {
      fs.chmodSync(target, wanted);
    } catch (e) {
      throw new AppError(
        'unavailable',
        `Cannot make ${target} private to this account (${(e as NodeJS.ErrnoException).code}). Give it to the account that runs Gatehouse.`,
      );
    }
  }
  if (stat.isDirectory()) for (const entry of fs.readdirSync(target)) restrict(path.join(target, entry));
}
