import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();

// The safety net under item 15 of issue 9: whatever lock order a use-case gets wrong, a deadlock or a
// serialization failure reaches the caller as a 409 "try again", never as a 500 with SQL in it.
// PGlite has one connection, so only PostgreSQL can deadlock.
describe.skipIf(!process.env.TEST_DATABASE_URL)('a transaction that loses a deadlock', () => {
  it('fails as a conflict the person can retry', async () => {
    const a = await buildMember(app);
    const b = await buildMember(app);
    let arrived = 0;
    let release: () => void = () => {};
    const bothHoldOne = new Promise<void>((resolve) => {
      release = resolve;
    });
    const lockBoth = (first: number, second: number) =>
      app.deps.db.transaction(async (tx) => {
        await tx.execute(sql`select id from members where id = ${first} for update`);
        if (++arrived === 2) release();
        await bothHoldOne;
        await tx.execute(sql`select id from members where id = ${second} for update`);
      });
    const outcomes = await Promise.allSettled([lockBoth(a.id, b.id), lockBoth(b.id, a.id)]);
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(AppError);
    expect((failures[0] as AppError).code).toBe('conflict');
  });
});
