import { inject } from 'vitest';
import { copyDataDirTemplate } from './dataDirTemplate.ts';

/**
 * A new DATA_DIR holding a migrated embedded database with no login yet, copied from the one the global
 * setup made (tests/pgliteTemplate.ts): a `gatehouse` process started on it skips creating a cluster.
 * Tests about what happens on an empty directory use `tempDataDir()` instead.
 */
export const migratedDataDir = () => copyDataDirTemplate(inject('dataDirTemplate'));
