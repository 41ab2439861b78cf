import { cpSync } from 'node:fs';
import { runCli, tempDataDir } from './cliProcess.ts';

/**
 * An embedded database directory with every migration applied, made once per test run by `gatehouse
 * migrate` on an empty DATA_DIR, as an operator would. Creating a PGlite cluster on disk and migrating it
 * takes tens of seconds on two cores; tests that start a real `gatehouse` process copy this directory
 * instead (`copyDataDirTemplate`). The process still runs its migrations — they find nothing to do — and
 * the database holds no login yet, so `serve` still prints its one-time setup link.
 */
export async function createDataDirTemplate(): Promise<string> {
  const dir = tempDataDir();
  const { code, stdout, stderr } = await runCli(['migrate'], { DATA_DIR: dir });
  if (code !== 0) throw new Error(`gatehouse migrate exited with ${code}:\n${stdout}${stderr}`);
  return dir;
}

/** A new DATA_DIR of its own holding a copy of `template`: no test sees another one's data. */
export function copyDataDirTemplate(template: string): string {
  const dir = tempDataDir();
  cpSync(template, dir, { recursive: true });
  return dir;
}
