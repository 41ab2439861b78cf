import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { NotABackup, readEmbeddedBackup } from '../db/embeddedRestore.ts';
import { refuseOnPostgres } from './backup.ts';
import { restoreInto } from './restoreInto.ts';

const fail = (code: 1 | 2, message: string): never => {
  console.error(`error: ${message}`);
  process.exit(code);
};

/** What is in `dir` already: [] when it is empty or does not exist yet. */
function entriesOf(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') return fail(2, `${dir} (DATA_DIR) is a file, not a directory.`);
    throw e;
  }
}

/**
 * `gatehouse restore FILE`: only into a DATA_DIR that is empty or does not exist, so that it can never
 * overwrite a database — nor a running server's, whose directory is never empty. Never over the control
 * socket for the same reason. The file is checked before anything is written.
 */
export async function restoreCommand(config: Config, file: string): Promise<never> {
  refuseOnPostgres(config, 'restore');
  const dataDir = config.dataDir;
  const present = entriesOf(dataDir);
  if (present.length > 0) {
    const shown = present.slice(0, 3).join(', ') + (present.length > 3 ? ', …' : '');
    fail(
      2,
      `${dataDir} (DATA_DIR) is not empty (${shown}). A restore goes only into an empty or new directory, so ` +
        'that it cannot overwrite a database: set DATA_DIR to a new directory, or stop Gatehouse and move ' +
        'the old directory aside first. Nothing was changed.',
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return fail(2, `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  const source = path.resolve(file);
  try {
    const backup = await readEmbeddedBackup(bytes);
    console.log(`Loading ${source} into a new directory beside ${dataDir}…`);
    const { migrationsApplied } = await restoreInto(dataDir, backup);
    console.log(`Restored the embedded database from ${source} into ${dataDir}.`);
    console.log(
      migrationsApplied === 0
        ? 'The backup was made by this version of Gatehouse: no migrations were needed.'
        : `The backup was made by an older version of Gatehouse: ${migrationsApplied} migration${migrationsApplied === 1 ? ' was' : 's were'} applied, so it is at this version now.`,
    );
    console.log(`Start Gatehouse with DATA_DIR=${dataDir} (for example "npm start").`);
    process.exit(0);
  } catch (e) {
    if (e instanceof NotABackup) {
      return fail(1, `${source} is not a Gatehouse backup: ${e.message}. ${dataDir} was left as it was.`);
    }
    throw e;
  }
}
