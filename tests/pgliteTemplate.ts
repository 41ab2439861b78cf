import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../src/db/connect.ts';
import { createDataDirTemplate } from './dataDirTemplate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated embedded database as a tar file, which each test file's database starts from. */
    pgliteTemplate: string;
    /** A migrated embedded database directory, which spawned `gatehouse` processes start from a copy of. */
    dataDirTemplate: string;
  }
}

/**
 * Global setup: creates and migrates one PGlite database, once, and keeps a copy of it in a file. Each test
 * file then opens its own in-memory database from that copy instead of creating a cluster (3–4 s per file
 * on this machine) and still runs the migrations, which find nothing to do. Test files stay isolated from
 * each other: each has its own copy. Meanwhile, in another process, `gatehouse migrate` makes the
 * directory that tests starting a real `gatehouse` process copy (tests/dataDirTemplate.ts) — in both
 * suites, as those processes use the embedded database on PostgreSQL's suite too.
 */
export default async function setup(project: TestProject) {
  const [dataDir, file] = await Promise.all([
    createDataDirTemplate(),
    process.env.TEST_DATABASE_URL ? undefined : writeTemplateFile(),
  ]);
  project.provide('dataDirTemplate', dataDir);
  if (file) project.provide('pgliteTemplate', file);
  return async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (file) await rm(file, { force: true });
  };
}

async function writeTemplateFile(): Promise<string> {
  const database = await openPglite(undefined);
  await database.migrate();
  const file = path.join(os.tmpdir(), `gatehouse-pglite-template-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await (await database.copy!()).arrayBuffer()));
  await database.close();
  return file;
}
