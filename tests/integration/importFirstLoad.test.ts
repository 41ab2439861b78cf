import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { members } from '../../src/db/schema.ts';
import { importRoster } from '../../src/domain/members/importRoster.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';

// A first load of the roster this big rebuilds members' indexes at the end on PostgreSQL (decision 0027);
// on the embedded database it keeps them up as it goes. Either way the outcome must be the same.
const app = useTestApp();
const ROWS = 5_000;
const HEADER = 'member_number,first_name,last_name,email,status';
const rosterCsv = (extra: string[] = []) =>
  `${[HEADER, ...Array.from({ length: ROWS }, (_, i) => `N${i},Zoë,Brennan${i},n${i}@example.org,current`), ...extra].join('\n')}\n`;
const run = (csv: string) =>
  importRoster(app.deps, systemActor(), { csv, source: 'first.csv', dryRun: false, validRowsOnly: false });

const membersIndexes = async () =>
  (
    await queryRows(
      app.deps.db,
      sql`select indexdef from pg_indexes where tablename = 'members' order by indexname`,
      { indexdef: 'text' },
    )
  ).map((r) => r.indexdef);

describe('a first load of a large roster', () => {
  it('adds every row and leaves members with the same indexes, in use', async () => {
    const before = await membersIndexes();
    const report = await run(rosterCsv());
    expect(report).toMatchObject({ totalRows: ROWS, added: ROWS, updated: 0, unchanged: 0, applied: true });
    expect(await membersIndexes()).toEqual(before);
    const [found] = await app.deps.db
      .select({ n: sql<number>`count(*)::int` })
      .from(members)
      .where(sql`${members.searchText} like ${'% brennan1234 %'}`);
    expect(found!.n).toBe(1);
    // The same file again changes nothing: the roster is no longer empty, so no rebuild either.
    expect(await run(rosterCsv())).toMatchObject({ added: 0, updated: 0, unchanged: ROWS, applied: true });
  });

  it('writes nothing when a row would move an administrator’s email, and keeps the indexes', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    const [record] = await app.deps.db.select().from(members).where(eq(members.id, admin.memberId));
    const before = await membersIndexes();
    const report = await run(rosterCsv([`${record!.memberNumber},A,B,elsewhere@example.org,current`]));
    expect(report.applied).toBe(false);
    expect(report.problems.map((p) => p.line)).toEqual([ROWS + 2]);
    const [count] = await app.deps.db.select({ n: sql<number>`count(*)::int` }).from(members);
    expect(count!.n).toBe(1);
    expect(await membersIndexes()).toEqual(before);
  });
});
