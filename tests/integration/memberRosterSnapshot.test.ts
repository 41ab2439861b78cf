import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { type Actor, systemActor } from '../../src/domain/policy.ts';
import { memberRosterCsv } from '../../src/domain/reports/memberRosterCsv.ts';
import { useTestApp } from '../harness.ts';
import { type Seed, seed } from './memberRosterSeed.ts';

const app = useTestApp();
const admin: Actor = { ...systemActor('test admin'), role: 'admin' };
const member = (n: number): Seed => ({
  number: `M${n}`,
  first: 'Ann',
  last: `Member ${n}`,
  email: `m${n}@example.org`,
});
const numbersIn = (text: string) => (parse(text) as string[][]).slice(1).map((r) => r[0]);

describe('the Member Roster export and the database’s capabilities', () => {
  it('is written by the server exactly where a long read holds nobody up (not on the one-process database)', () => {
    expect(Boolean(app.deps.db.copyCsv)).toBe(!app.database.singleProcess);
    expect(app.database.singleProcess).toBe(app.database.kind === 'pglite');
  });

  it('is one snapshot where the server writes it: a member added meanwhile is not in the file', async () => {
    await seed(app, [1, 2, 3, 4, 5].map(member));
    const chunks = memberRosterCsv(app.deps, admin, { sort: 'memberNumber', dir: 'asc' }, 2);
    let text = '';
    for (let i = 0; i < 2; i++) text += (await chunks.next()).value?.toString() ?? ''; // header, first rows
    await seed(app, [member(9)]); // sorts last: a fresh short query after it would find it
    for await (const chunk of chunks) text += chunk.toString();
    if (app.deps.db.copyCsv) expect(numbersIn(text)).toEqual(['M1', 'M2', 'M3', 'M4', 'M5']);
    else expect(numbersIn(text)).toEqual(['M1', 'M2', 'M3', 'M4', 'M5', 'M9']); // keyset batches, each its own query
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'ends the statement and frees its connection when the reader stops early (PostgreSQL)',
    async () => {
      // Enough rows (~2 MB, more than the sockets' buffers hold while paused) that the server is still sending when the
      // reader stops.
      await app.deps.db.execute(sql`insert into members (member_number, first_name, last_name, email, email_lower)
        select 'N' || g, 'Ann', 'Member ' || g, 'n' || g || '@example.org', 'n' || g || '@example.org'
        from generate_series(1, 30000) g`);
      const chunks = memberRosterCsv(app.deps, admin, { sort: 'memberNumber', dir: 'asc' });
      await chunks.next(); // the header
      const first = (await chunks.next()).value!;
      expect(first.length).toBeGreaterThan(0);
      await chunks.return(undefined);
      const copying = () =>
        queryRows(
          app.deps.db,
          sql`select count(*) as n from pg_stat_activity where query like 'copy (%' and state <> 'idle'
                and datname = current_database()`,
          { n: 'number' },
        );
      for (let tries = 0; (await copying())[0]!.n > 0 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await copying())[0]!.n).toBe(0);
      const pool = app.deps.db.poolStatistics!();
      expect(pool.total - pool.idle).toBe(0); // nothing still checked out
      // and the next export reads the whole file
      let text = '';
      for await (const chunk of memberRosterCsv(app.deps, admin, { sort: 'memberNumber', dir: 'asc' })) {
        text += chunk.toString();
      }
      expect(numbersIn(text)).toHaveLength(30000);
    },
  );
});
