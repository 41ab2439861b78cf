import type { Config } from '../config.ts';
import { createLogger } from '../logging.ts';
import { sendToRunningServer } from './controlSocket.ts';
import type { TaskName } from './tasks.ts';
import { terminalIO } from './terminal.ts';

/**
 * Runs a task in this process: opens the database (taking the data-directory lock), runs, closes. The
 * database and the domain are loaded only here, so a command handed to a running server starts fast.
 */
export async function runLocally(config: Config, task: TaskName, args: unknown): Promise<number> {
  const [{ createApp }, { runTask }] = await Promise.all([import('../app.ts'), import('./tasks.ts')]);
  const io = terminalIO();
  const app = await createApp(config, { logger: createLogger('warn') });
  try {
    return await runTask(app, task, args, io);
  } finally {
    io.finish();
    await app.close();
  }
}

/**
 * Runs a task where the database is: handed to a running server that holds the embedded database, or
 * here (PostgreSQL, or an embedded database nobody has open). Exits with the task's exit code.
 */
export async function runSomewhere(config: Config, task: TaskName, args: unknown): Promise<never> {
  if (!config.databaseUrl) {
    const io = terminalIO();
    const remote = await sendToRunningServer(config.dataDir, task, args, io);
    io.finish();
    if (remote !== null) process.exit(remote);
  }
  process.exit(await runLocally(config, task, args));
}
