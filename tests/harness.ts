import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeEach, inject } from 'vitest';
import { type App, createApp } from '../src/app.ts';
import { fixedClock } from '../src/clock.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { type Database, openPglite, openPostgres } from '../src/db/connect.ts';
import { queryRows } from '../src/db/rows.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/logging.ts';

/** The database under test: in-memory PGlite, or a fresh database on TEST_DATABASE_URL's server. */
async function openTestDatabase(): Promise<{ database: Database; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const template = await readFile(inject('pgliteTemplate'));
    const database = await openPglite(undefined, new Blob([template]));
    await database.migrate();
    return { database, drop: () => database.close() };
  }
  // One database per test file, so files can run in parallel without seeing each other's rows.
  const scratch = await createScratchDatabase(url, 'gatehouse_test');
  const database = openPostgres(scratch.url, 5);
  await database.migrate();
  return {
    database,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

/** A throw-away database on the server of `serverUrl`: its URL, and how to drop it again. */
export async function createScratchDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

export type TestApp = App & {
  clock: ReturnType<typeof fixedClock>;
  config: Config;
  /** The Fastify instance, for `inject` (built on first use). */
  server(): Promise<FastifyInstance>;
};

const TABLES_TO_KEEP = new Set(['__drizzle_migrations']);

/**
 * One app per test file on a real database; every table is emptied before each test. Time starts at
 * 2026-01-15 09:00 UTC and only moves when a test moves it.
 */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  const clock = fixedClock(new Date('2026-01-15T09:00:00Z'));
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_URL: 'http://portal.test', ...env });
  let opened: { database: Database; drop(): Promise<void> } | undefined;
  let app: App | undefined;
  let server: FastifyInstance | undefined;
  const testApp = {
    clock,
    config,
    get deps() {
      return app!.deps;
    },
    get database() {
      return app!.database;
    },
    get logger() {
      return app!.logger;
    },
    async server() {
      server ??= await buildServer(app!);
      return server;
    },
    close: async () => {},
  } as TestApp;

  beforeEach(async () => {
    if (!opened) {
      opened = await openTestDatabase();
      app = await createApp(config, { database: opened.database, clock, logger: createLogger('silent') });
    }
    clock.set(new Date('2026-01-15T09:00:00Z'));
    const tables = await queryRows(
      opened.database.db,
      sql`select tablename from pg_tables where schemaname = 'public'`,
      { tablename: 'text' },
    );
    const names = tables.map((r) => r.tablename).filter((t) => !TABLES_TO_KEEP.has(t));
    if (names.length) {
      await opened.database.db.execute(
        sql.raw(`truncate ${names.map((n) => `"${n}"`).join(', ')} restart identity cascade`),
      );
    }
  });

  afterAll(async () => {
    await server?.close();
    await app?.jobs.stop();
    await opened?.drop();
  });

  return testApp;
}
