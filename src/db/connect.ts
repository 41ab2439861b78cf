import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { AppError } from '../errors.ts';
import { copyCsv } from './copyCsv.ts';
import { OwnerOnlyNodeFS } from './ownerOnlyNodeFs.ts';
import { isConcurrencyFailure } from './pgErrors.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema> & DbCapabilities;

/**
 * What a database offers beyond Drizzle's query API, named for what it means, so that the domain chooses a
 * way of working by what is possible and never by which engine runs underneath.
 */
export type DbCapabilities = {
  /**
   * A query's rows as CSV written by the server (`COPY … TO STDOUT`), in one snapshot, on a connection of
   * its own, in chunks of bytes read as the caller asks for them (copyCsv.ts); stopping early frees it.
   * Offered only where such a long read holds nobody else up: absent on PGlite, whose one connection every
   * request shares — read there in short queries instead.
   */
  readonly copyCsv?: (query: SQL) => AsyncGenerator<Buffer>;
  /**
   * This process's connection pool as it is now: connections open (`total`), idle among them, and queries
   * waiting for one. Absent on PGlite, which has one connection and no pool.
   */
  readonly poolStatistics?: () => PoolStatistics;
  /**
   * Statements run in another process (the database server), so one long statement — an index build —
   * leaves this process's event loop free. Absent on PGlite, whose statements run on this thread.
   */
  readonly statementsRunElsewhere?: true;
};

export type PoolStatistics = { total: number; idle: number; waiting: number };
/** A transaction handle has the same query API as the database itself. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Only this process can be using the database (the embedded one admits one process): whatever is found
   * half-done at start-up was left by a crash of ours, not by another process still at work.
   */
  singleProcess: boolean;
  /** Applies pending migrations (idempotent; safe when several processes start at once). */
  migrate(): Promise<void>;
  /** Raw SQL (several statements allowed when there are no parameters), for pg-boss. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /**
   * Runs `work` while holding a PostgreSQL advisory lock, so that processes starting at the same moment
   * take turns (PGlite admits one process: there it just runs).
   */
  exclusively<T>(lockId: number, work: () => Promise<T>): Promise<T>;
  /**
   * PGlite only: runs `work` after a checkpoint, between two transactions, with every other statement
   * waiting — so the files on disk are a consistent database meanwhile (embeddedBackup.ts).
   */
  betweenTransactions?<T>(work: () => Promise<T>): Promise<T>;
  /** PGlite only: the whole database as one tar file, to start other in-memory copies from (tests). */
  copy?(): Promise<Blob>;
  close(): Promise<void>;
};

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Arbitrary constants: serialise start-up steps between processes sharing one PostgreSQL database.
const MIGRATION_LOCK_ID = 7_406_001;
export const JOB_QUEUE_LOCK_ID = 7_406_002;

export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (a restart, a failover) is reported here; the pool discards
  // it and connects afresh on next use. Unhandled, the event would bring the whole process down.
  pool.on('error', () => {});
  // A connection the server drops while it is checked out (a transaction, the advisory-lock connection)
  // emits 'error' on its client, where the pool does not listen. The query in progress is rejected all
  // the same, and the pool discards the client on release; without a listener the process would die.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db: Db = Object.assign(withConcurrencyConflicts(drizzleNodePg(pool, { schema }) as unknown as Db), {
    copyCsv: (query: SQL) => copyCsv(pool, query),
    statementsRunElsewhere: true as const,
    poolStatistics: (): PoolStatistics => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
  });
  // A session lock on a connection of its own; the work itself runs on other pool connections.
  const exclusively = async <T>(lockId: number, work: () => Promise<T>): Promise<T> => {
    const lock = await pool.connect();
    try {
      await lock.query('select pg_advisory_lock($1)', [lockId]);
      return await work();
    } finally {
      // If the unlock fails the connection is broken (the lock went with it): discard it, not back to the pool.
      const unlocked = await lock.query('select pg_advisory_unlock($1)', [lockId]).then(
        () => true,
        () => false,
      );
      lock.release(!unlocked);
    }
  };
  return {
    db,
    kind: 'postgres',
    singleProcess: false,
    migrate: () =>
      exclusively(MIGRATION_LOCK_ID, () =>
        migrateNodePg(drizzleNodePg(pool, { schema }), { migrationsFolder }),
      ),
    executeSql: (text, values) => pool.query(text, values as unknown[]),
    exclusively,
    close: () => pool.end(),
  };
}

/**
 * PGlite's buffer cache, inside its WebAssembly memory. The 128 MB PostgreSQL picks is resident from the
 * start (a data directory opened in 0.6 s, the process at 380 MB); 32 MB opens in 0.3 s at 270 MB. Lists and
 * searches at 100,000 members took the same time; a scan of a 30 MB table on disk took 40 ms instead of 33:
 * the pages come from the operating system's cache (docs/benchmarks.md, issue 15).
 */
const PGLITE_SHARED_BUFFERS = '32MB';

/**
 * Opens PGlite in `dataDir`, or in memory when `dataDir` is undefined (tests) — then optionally as a copy
 * of another database (`from`, made by `copy()`), which skips creating a cluster (seconds) for each one.
 */
export async function openPglite(dataDir: string | undefined, from?: Blob): Promise<Database> {
  // On disk, through a file system that keeps every file owner-only (see ownerOnlyNodeFs.ts).
  const client = await PGlite.create({
    ...(dataDir ? { fs: new OwnerOnlyNodeFS(dataDir) } : {}),
    ...(from ? { loadDataDir: from } : {}),
    extensions: { pg_trgm, unaccent },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    singleProcess: true,
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
    },
    async executeSql(text, values) {
      // PGlite's extended protocol takes one statement; parameterless scripts go through exec.
      if (values?.length) return client.query(text, values);
      return (await client.exec(text)).at(-1) ?? { rows: [] };
    },
    exclusively: (_lockId, work) => work(),
    copy: () => client.dumpDataDir('none'),
    async betweenTransactions(work) {
      // A checkpoint first, so the table files are current and a copy of them needs little WAL replay.
      await client.exec('CHECKPOINT');
      // PGlite's transaction mutex is held from BEGIN to COMMIT, and every query, exec and transaction
      // (drizzle's, pg-boss's) takes it: holding it, `work` falls between two transactions, never in one.
      return client._runExclusiveTransaction(work);
    },
    close: () => client.close(),
  };
}

/**
 * A safety net under every use-case's lock order: a transaction PostgreSQL aborted as a deadlock victim or
 * a serialization failure is rolled back whole, so it becomes a 409 the person can simply retry instead of
 * an unexpected 500. Not retried here: a use-case may have done work outside the database (a hash, a
 * message) that must not run twice unawares.
 */
function withConcurrencyConflicts(db: Db): Db {
  const transaction = db.transaction.bind(db);
  db.transaction = ((run, config) =>
    transaction(run, config).catch((e: unknown) => {
      if (!isConcurrencyFailure(e)) throw e;
      throw new AppError(
        'conflict',
        'Someone else changed the same thing at the same moment. Please try again.',
      );
    })) as Db['transaction'];
  return db;
}
