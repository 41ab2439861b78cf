import { inject } from 'vitest';
import { copyDataDirTemplate } from './dataDirTemplate.ts';

/**
 * A new DATA_DIR holding a migrated embedded database with no login yet, copied from the one the global
 * setup made (tests/pgliteTemplate.ts): a `gatehouse` process started on it skips creating a cluster.
 * Tests about what happens on an empty directory use `tempDataDir()` instead.
 */
export const migratedDataDir = () => copyDataDirTemplate(inject('dataDirTemplate'));

/**
 * The PostgreSQL suite (TEST_DATABASE_URL set). A test that only starts `gatehouse` processes on an embedded
 * DATA_DIR runs exactly the same in both suites, so it runs in the embedded one only: `skipIf` this, with
 * `EMBEDDED_DATA_DIR_ONLY` in its name, and the PostgreSQL suite lists it as skipped.
 */
export const inPostgresSuite = Boolean(process.env.TEST_DATABASE_URL);
export const EMBEDDED_DATA_DIR_ONLY = 'embedded DATA_DIR: run by the embedded suite';
