import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../bin/gatehouse.js');

/**
 * An embedded database directory with every migration applied, made once per test run by `gatehouse
 * migrate` on an empty DATA_DIR, as an operator would. Creating a PGlite cluster on disk and migrating it
 * takes tens of seconds on two cores; tests that start a real `gatehouse` process copy this directory
 * instead (`copyDataDirTemplate`). The process still runs its migrations — they find nothing to do — and
 * the database holds no login yet, so `serve` still prints its one-time setup link.
 */
export function createDataDirTemplate(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-data-dir-template-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL; // the embedded database, even in the PostgreSQL suite
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'migrate'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(dir) : reject(new Error(`gatehouse migrate exited with ${code}:\n${output}`)),
    );
  });
}

/** A new DATA_DIR of its own holding a copy of `template`: no test sees another one's data. */
export function copyDataDirTemplate(template: string, prefix = 'gatehouse-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(template, dir, { recursive: true });
  return dir;
}
