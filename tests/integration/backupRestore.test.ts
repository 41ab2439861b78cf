import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/connect.ts';
import { adminCreateArgs, askSocket, runCli, startServer, tempDataDir } from '../cliProcess.ts';
import { GOOD_PASSWORD } from '../factories.ts';
import { inPostgresSuite, migratedDataDir } from '../migratedDataDir.ts';
import { portalClient } from '../portalClient.ts';

// `gatehouse backup` / `restore` are for the embedded database; with PostgreSQL, pg_dump and pg_restore
// do this (the refusal itself is tested below on both runs). These start real processes on DATA_DIRs.
const SKIP_REASON = 'embedded database only (PostgreSQL is backed up with pg_dump)';

const adminArgs = (username: string) => [...adminCreateArgs(username), '--role', 'admin'];

const roster = (from: number, to: number) => {
  const rows = ['member_number,first_name,last_name,email'];
  for (let n = from; n <= to; n++) rows.push(`M${n},First${n},Last${n},m${n}@example.org`);
  return `${rows.join('\n')}\n`;
};

/** Writes `text` to a file in a fresh directory; returns its path. */
const csvFile = (name: string, text: string) => {
  const file = path.join(tempDataDir(), name);
  fs.writeFileSync(file, text);
  return file;
};

/** Every path under `dir` (itself included) that anyone but the owner may open. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const stat = fs.lstatSync(p);
    if ((stat.mode & 0o077) !== 0) found.push(path.relative(dir, p));
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) walk(path.join(p, entry));
  };
  walk(dir);
  return found;
}

/** How many members the embedded database in `dataDir` holds (opened here, while nobody else has it). */
async function memberCount(dataDir: string, like: string): Promise<number> {
  const database = await openPglite(dataDir);
  try {
    const { rows } = await database.executeSql(
      'select count(*)::int as n from members where member_number like $1',
      [like],
    );
    return (rows[0] as { n: number }).n;
  } finally {
    await database.close();
  }
}

describe.skipIf(inPostgresSuite)(`backup and restore (${SKIP_REASON})`, { timeout: 300_000 }, () => {
  it('restores the data as it was at the backup, taken through the running server', async () => {
    const DATA_DIR = migratedDataDir();
    const env = { DATA_DIR, GATEHOUSE_PASSWORD: GOOD_PASSWORD };
    const backupFile = path.join(tempDataDir(), 'portal.tar.gz');
    const server = await startServer({ DATA_DIR });
    try {
      expect((await runCli(adminArgs('keeper'), env)).code).toBe(0);
      expect((await runCli(['members', 'import', csvFile('first.csv', roster(1, 3))], env)).code).toBe(0);

      // The server holds DATA_DIR, so this can only succeed through its control socket.
      const backup = await runCli(['backup', backupFile], env);
      expect(backup.stderr).toBe('');
      expect(backup.stdout).toMatch(new RegExp(`Backed up the embedded database to ${backupFile} \\(\\d`));
      expect(backup.code).toBe(0);
      expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(path.dirname(backupFile))).toEqual(['portal.tar.gz']); // no temporary file left

      // Changed after the backup: none of this may come back with the restore.
      expect((await runCli(adminArgs('latecomer'), env)).code).toBe(0);
      expect((await runCli(['members', 'import', csvFile('later.csv', roster(4, 4))], env)).code).toBe(0);

      const inside = await runCli(['backup', path.join(DATA_DIR, 'b.tar.gz')], env);
      expect(inside.stdout).toContain('is inside DATA_DIR');
      expect(inside.code).toBe(2);
      expect(fs.existsSync(path.join(DATA_DIR, 'b.tar.gz'))).toBe(false);

      const again = await runCli(['backup', backupFile], env);
      expect(again.stdout).toContain(`${backupFile} already exists. Choose another name, or add --force`);
      expect(again.code).toBe(2);
    } finally {
      await server.stop();
    }
    const kept = fs.readFileSync(backupFile);

    const restoredDir = path.join(tempDataDir(), 'restored'); // does not exist yet
    const restored = await runCli(['restore', backupFile], { DATA_DIR: restoredDir });
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain(
      `Restored the embedded database from ${backupFile} into ${restoredDir}.`,
    );
    expect(restored.stdout).toContain('no migrations were needed');
    expect(restored.code).toBe(0);
    expect(openToOthers(restoredDir)).toEqual([]);
    for (const processFile of ['gatehouse.lock', 'gatehouse.sock'])
      expect(fs.existsSync(path.join(restoredDir, processFile))).toBe(false);
    expect(fs.readdirSync(path.dirname(restoredDir))).toEqual(['restored']); // the work directory is gone

    const portal = await startServer({ DATA_DIR: restoredDir });
    try {
      await portalClient(portal.url).logIn('keeper');
      const late = await portalClient(portal.url).post(
        '/login',
        { username: 'latecomer', password: GOOD_PASSWORD },
        '/login',
      );
      expect(late.status).not.toBe(303);
      // Members 1–3 are there as imported; member 4 came after the backup.
      const check = await runCli(['members', 'import', '--dry-run', csvFile('all.csv', roster(1, 4))], {
        DATA_DIR: restoredDir,
      });
      expect(check.stdout).toContain('would be 1 added, 0 updated, 3 unchanged');
    } finally {
      await portal.stop();
    }

    // With nobody running, the command line opens the database itself; --force replaces the old file.
    const local = await runCli(['backup', '--force', backupFile], { DATA_DIR: restoredDir });
    expect(local.stdout).toContain('Backed up the embedded database');
    expect(local.code).toBe(0);
    expect(fs.readFileSync(backupFile).equals(kept)).toBe(false);
  });

  it('refuses a directory that is not empty, and a file that is not a backup, changing nothing', async () => {
    const busy = tempDataDir();
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'keep me');
    const backupLike = csvFile('anything.tar.gz', 'whatever');
    const notEmpty = await runCli(['restore', backupLike], { DATA_DIR: busy });
    expect(notEmpty.stderr).toContain(`${busy} (DATA_DIR) is not empty (notes.txt)`);
    expect(notEmpty.stderr).toContain('Nothing was changed.');
    expect(notEmpty.code).toBe(2);
    expect(fs.readdirSync(busy)).toEqual(['notes.txt']);
    expect(fs.readFileSync(path.join(busy, 'notes.txt'), 'utf8')).toBe('keep me');

    const parent = tempDataDir();
    const target = path.join(parent, 'data');
    const garbage = csvFile('garbage.tar.gz', 'not a backup at all\n');
    const refused = await runCli(['restore', garbage], { DATA_DIR: target });
    expect(refused.stderr).toContain(`${garbage} is not a Gatehouse backup: it is not gzip-compressed`);
    expect(refused.code).toBe(1);
    expect(fs.readdirSync(parent)).toEqual([]);

    const nothingThere = await runCli(['backup', path.join(parent, 'b.tar.gz')], { DATA_DIR: target });
    expect(nothingThere.stderr).toContain('there is no embedded database in');
    expect(nothingThere.code).toBe(2);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('holds a roster import that is under way whole: the backup waits for its commit', async () => {
    const DATA_DIR = migratedDataDir();
    const rows = 40_000;
    const backupFile = path.join(tempDataDir(), 'during-import.tar.gz');
    const server = await startServer({ DATA_DIR });
    try {
      const importing = spawn(
        process.execPath,
        [path.resolve('bin/gatehouse.js'), 'members', 'import', csvFile('big.csv', roster(1, rows))],
        {
          env: { ...process.env, DATA_DIR, LOG_LEVEL: 'warn' },
        },
      );
      const finished = new Promise<number | null>((resolve) =>
        importing.once('close', (code) => resolve(code)),
      );
      // Progress lines come from inside the import's transaction (the rows are being written): once 10%
      // of them are in, ask for the backup while the transaction is still open.
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        importing.stderr.on('data', (d) => {
          seen += d;
          if (/ rows \(10%\)/.test(seen)) resolve();
        });
        importing.once('close', () => reject(new Error(`the import ended before 10%: ${seen}`)));
      });
      // Straight to the control socket, as `gatehouse backup` would send it, without a process start in between.
      let importEnded = false;
      void finished.then(() => {
        importEnded = true;
      });
      const answers = askSocket(
        DATA_DIR,
        JSON.stringify({ task: 'backup', args: { file: backupFile, force: false } }),
      );
      expect(importEnded).toBe(false); // asked while the import's transaction was open
      expect((await answers).at(-1)).toEqual({ exit: 0 });
      expect(await finished).toBe(0);
    } finally {
      await server.stop();
    }
    const restoredDir = path.join(tempDataDir(), 'restored');
    expect((await runCli(['restore', backupFile], { DATA_DIR: restoredDir })).code).toBe(0);
    // The backup waited for the import's commit: all of it. A copy taken inside the open transaction
    // restores as if the import had never run (0 rows: seen with the transaction mutex left out).
    expect(await memberCount(restoredDir, 'M%')).toBe(rows);
  });
});

describe('backup and restore with PostgreSQL', () => {
  it('refuse, naming PostgreSQL’s own tools, and write nothing', async () => {
    const dir = tempDataDir();
    const env = {
      DATABASE_URL: 'postgres://gatehouse@127.0.0.1:5432/gatehouse',
      DATA_DIR: path.join(dir, 'data'),
    };
    for (const command of ['backup', 'restore']) {
      const res = await runCli([command, path.join(dir, 'portal.tar.gz')], env);
      expect(res.stderr).toContain(`"gatehouse ${command}" is for the embedded database`);
      expect(res.stderr).toMatch(/pg_dump -Fc.*pg_restore.*pg_basebackup/);
      expect(res.code).toBe(2);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
