import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir, lockFilePath, lockHolder } from './dataDirLock.ts';

const freshDir = () => fs.mkdtempSync(path.join(tmpdir(), 'gatehouse-lock-'));

describe('the data-directory lock', () => {
  it('admits one holder and frees the directory on release', async () => {
    const dir = freshDir();
    const lock = await lockDataDir(dir);
    expect(lockHolder(dir)).toBe(process.pid);
    await expect(lockDataDir(dir)).rejects.toThrow(
      `in use by another Gatehouse process (pid ${process.pid})`,
    );
    lock.release();
    expect(lockHolder(dir)).toBeNull();
    (await lockDataDir(dir)).release();
  });

  it('takes over a lock left behind by a process that died', async () => {
    const dir = freshDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    fs.writeFileSync(lockFilePath(dir), String(dead));
    const lock = await lockDataDir(dir);
    expect(lockHolder(dir)).toBe(process.pid);
    lock.release();
  });
});
