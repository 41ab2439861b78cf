import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../src/db/connect.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated embedded database as a tar file, which each test file's database starts from. */
    pgliteTemplate: string;
  }
}

/**
 * Global setup of the embedded-database suite: creates and migrates one PGlite database, once, and keeps
 * a copy of it in a file. Each test file then opens its own in-memory database from that copy instead of
 * creating a cluster (3–4 s per file on this machine) and still runs the migrations, which find nothing
 * to do. Test files stay isolated from each other: each has its own copy.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) return;
  const database = await openPglite(undefined);
  await database.migrate();
  const file = path.join(os.tmpdir(), `gatehouse-pglite-template-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await (await database.copy!()).arrayBuffer()));
  await database.close();
  project.provide('pgliteTemplate', file);
  return () => rm(file, { force: true });
}
