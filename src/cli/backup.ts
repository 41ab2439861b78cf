import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { lockDataDir } from '../db/dataDirLock.ts';
import { sendToRunningServer } from './controlSocket.ts';
import { terminalIO } from './terminal.ts';

/** With PostgreSQL, its own tools do this better than we could: say which, and write nothing. */
export function refuseOnPostgres(config: Config, command: 'backup' | 'restore'): void {
  if (!config.databaseUrl) return;
  console.error(
    `error: "gatehouse ${command}" is for the embedded database, and DATABASE_URL points at PostgreSQL. ` +
      'Use PostgreSQL\'s own tools: "pg_dump -Fc" for a backup (restore it with "pg_restore" into an empty ' +
      'database, then start Gatehouse: migrations apply), or "pg_basebackup" for the whole server.',
  );
  process.exit(2);
}

/**
 * `gatehouse backup FILE`: a running server that holds DATA_DIR writes the backup itself (so it is taken
 * between its transactions, while it goes on serving); otherwise this process opens the database — as it
 * is, without migrating it, so a backup taken before an upgrade is of the old version.
 */
export async function backupCommand(config: Config, file: string, force: boolean): Promise<never> {
  refuseOnPostgres(config, 'backup');
  // Resolved here: the server runs in its own directory, maybe as another user.
  const args = { file: path.resolve(file), force };
  const io = terminalIO();
  const remote = await sendToRunningServer(config.dataDir, 'backup', args, io);
  io.finish();
  if (remote !== null) process.exit(remote);

  if (!fs.existsSync(path.join(config.dataDir, 'PG_VERSION'))) {
    console.error(`error: there is no embedded database in ${config.dataDir} (DATA_DIR) to back up.`);
    process.exit(2);
  }
  // The database is loaded only now: a backup handed to the running server never needs it here.
  const [{ openPglite }, { backUpTo }] = await Promise.all([
    import('../db/connect.ts'),
    import('./backupFile.ts'),
  ]);
  const lock = await lockDataDir(config.dataDir);
  try {
    const database = await openPglite(config.dataDir);
    try {
      process.exitCode = await backUpTo(database, config.dataDir, args, io);
    } finally {
      await database.close();
    }
  } finally {
    lock.release();
  }
  process.exit();
}
