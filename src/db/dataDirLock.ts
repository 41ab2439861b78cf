import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { makeDataDirPrivate } from './privateDataDir.ts';

export type DataDirLock = { release(): void };

export const lockFilePath = (dataDir: string) => path.join(dataDir, 'gatehouse.lock');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding the embedded database open, or null when nobody does. */
export function lockHolder(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(lockFilePath(dataDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the embedded database's directory for this process. PGlite does not guard against a second
 * process opening the same files, which would corrupt them, so every opener goes through here.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  // Owner-only: the directory holds the database and the control socket (see privateDataDir.ts).
  makeDataDirPrivate(dataDir);
  const file = lockFilePath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        fs.rmSync(file, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(dataDir);
      if (holder !== null) {
        throw new AppError(
          'unavailable',
          `The database in ${dataDir} is in use by another Gatehouse process (pid ${holder}).`,
        );
      }
      fs.rmSync(file, { force: true }); // left behind by a process that died: safe to take over
    }
  }
  throw new AppError('unavailable', `Could not lock ${dataDir}.`);
}
