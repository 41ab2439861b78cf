import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openPostgres } from '../../src/db/connect.ts';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/logging.ts';
import { createScratchDatabase } from '../harness.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
const PROCESSES = 4;
const ROUNDS = 3;

// PGlite admits a single process, so concurrent start-up only exists on PostgreSQL.
describe.skipIf(!serverUrl)('start-up with several processes at once (PostgreSQL only)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it(`${PROCESSES} workers starting together on a fresh database all start`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const scratch = await createScratchDatabase(serverUrl as string, 'gatehouse_startup');
      cleanups.push(scratch.drop);
      // Each with its own pool, as separate `gatehouse worker` processes would have.
      const parts: { database: Database; jobs: JobQueue }[] = [];
      for (let i = 0; i < PROCESSES; i++) {
        const database = openPostgres(scratch.url, 3);
        parts.push({ database, jobs: createJobQueue(database, createLogger('silent')) });
      }
      cleanups.push(async () => {
        for (const p of parts) {
          await p.jobs.stop().catch(() => {});
          await p.database.close().catch(() => {});
        }
      });
      await Promise.all(parts.map((p) => p.database.migrate()));
      const results = await Promise.allSettled(parts.map((p) => p.jobs.start({ background: true })));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures, `round ${round}`).toEqual([]);
      for (const p of parts) await p.jobs.stop();
      for (const p of parts) await p.database.close();
      cleanups.pop();
    }
  }, 60_000);
});
