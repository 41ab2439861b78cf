import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, members } from '../../src/db/schema.ts';
import { type ImportInput, importRoster } from '../../src/domain/members/importRoster.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { AppError } from '../../src/errors.ts';
import { buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
const HEADER = 'member_number,first_name,last_name,email,status';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;
const run = (text: string, options: Partial<ImportInput> = {}) =>
  importRoster(app.deps, systemActor(), {
    csv: text,
    source: 'roster.csv',
    dryRun: false,
    validRowsOnly: false,
    ...options,
  });

const roster = () =>
  app.deps.db
    .select({
      memberNumber: members.memberNumber,
      firstName: members.firstName,
      email: members.email,
      emailLower: members.emailLower,
      status: members.status,
      updatedAt: members.updatedAt,
    })
    .from(members)
    .orderBy(asc(members.memberNumber));

const importEvents = () =>
  app.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'roster.imported'));

describe('importRoster', () => {
  // With at most half as many members as rows, every row goes straight to the upsert (upsertRosterRows).
  it.each([
    { path: 'rows checked against the roster first', newRows: 1 },
    { path: 'mostly new rows, straight to the upsert', newRows: 3 },
  ])(
    'adds new members, updates changed ones and leaves unchanged ones untouched ($path)',
    async ({ newRows }) => {
      await run(csv('1,Ada,Lovelace,ada@example.org,', '2,Grace,Hopper,grace@example.org,'));
      const created = await roster();
      app.clock.advance(60_000);
      const added = Array.from({ length: newRows }, (_, i) => `${i + 3},New,Member${i},new${i}@example.org,`);
      const report = await run(
        csv('1,Ada,Lovelace,ADA@example.org,current', '2,Grace,Hopper,grace@example.org,lapsed', ...added),
      );
      const counts = { added: newRows, updated: 1, unchanged: 1 };
      expect(report).toMatchObject({ totalRows: 2 + newRows, ...counts, applied: true });
      const after = await roster();
      expect(after.map((m) => m.status)).toEqual(['current', 'lapsed', ...added.map(() => 'current')]);
      // An email that differs only in case is the same address: no update, the stored spelling and time stay.
      expect(after[0]).toMatchObject({ email: 'ada@example.org', updatedAt: created[0]?.updatedAt });
      expect(after[1]?.updatedAt).toEqual(app.clock.now());
      expect((await importEvents()).at(-1)?.details).toMatchObject(counts);
    },
  );

  it('stores the email as given with a lower-cased copy, and lets members share an address', async () => {
    const report = await run(csv('1,Ann,Lee,Family@Example.org,', '2,Bo,Lee,family@example.ORG,'));
    expect(report).toMatchObject({ added: 2, problems: [] });
    expect((await roster()).map((m) => [m.email, m.emailLower])).toEqual([
      ['Family@Example.org', 'family@example.org'],
      ['family@example.ORG', 'family@example.org'],
    ]);
  });

  it('updates a member whose email really changed, keeping the new spelling', async () => {
    await run(csv('1,Ann,Lee,old@example.org,'));
    const report = await run(csv('1,Ann,Lee,New@Example.org,'));
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    expect((await roster())[0]).toMatchObject({ email: 'New@Example.org', emailLower: 'new@example.org' });
  });

  it('applies nothing when a row is invalid, but reports what the valid rows would do', async () => {
    await run(csv('1,Ada,Lovelace,ada@example.org,'));
    const report = await run(
      csv('1,Ada,Lovelace,ada@example.org,lapsed', '2,Grace,Hopper,nope,', '3,A,T,a@t.org,'),
    );
    expect(report).toMatchObject({ applied: false, added: 1, updated: 1, unchanged: 0 });
    expect(report.problems).toEqual([{ line: 3, message: 'Email "nope" is not a valid address' }]);
    expect((await roster()).map((m) => [m.memberNumber, m.status])).toEqual([['1', 'current']]);
    expect(await importEvents()).toHaveLength(1);
  });

  it('applies the valid rows when asked to, and audits the import once', async () => {
    const report = await run(
      csv('1,Ada,Lovelace,ada@example.org,', '2,,Hopper,g@h.org,', '1,Dup,Row,d@r.org,'),
      {
        validRowsOnly: true,
      },
    );
    expect(report).toMatchObject({ applied: true, added: 1, updated: 0, unchanged: 0 });
    expect(report.problems.map((p) => p.line)).toEqual([3, 4]);
    expect((await roster()).map((m) => m.firstName)).toEqual(['Ada']);
    const events = await importEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorLabel: 'command line',
      at: app.clock.now(),
      details: { source: 'roster.csv', added: 1, updated: 0, unchanged: 0, invalid: 2, validRowsOnly: true },
    });
  });

  it('writes nothing on a dry run', async () => {
    await run(csv('1,Ada,Lovelace,ada@example.org,'));
    const report = await run(csv('1,Ada,Byron,ada@example.org,', '2,Grace,Hopper,g@h.org,'), {
      dryRun: true,
    });
    expect(report).toMatchObject({ applied: false, added: 1, updated: 1, unchanged: 0 });
    expect((await roster()).map((m) => m.firstName)).toEqual(['Ada']);
    expect(await importEvents()).toHaveLength(1);
  });

  it('applies nothing from a broken file, not even with validRowsOnly', async () => {
    const report = await run(csv('1,Ada,Lovelace,ada@example.org,', '2,"Grace,Hopper,g@h.org,'), {
      validRowsOnly: true,
    });
    expect(report.applied).toBe(false);
    expect(report.fileProblem?.line).toBe(3);
    expect(await roster()).toEqual([]);
  });

  it('refuses a file without the required columns with one problem on line 1', async () => {
    const report = await run('member_number,name,email\n1,Ada,ada@example.org\n');
    expect(report.problems).toEqual([{ line: 1, message: expect.stringContaining('first_name, last_name') }]);
    expect(report.applied).toBe(false);
  });

  it('refuses an empty file as a validation error', async () => {
    await expect(run('')).rejects.toMatchObject({ code: 'validation', field: 'file' });
  });

  it('needs the members.import permission', async () => {
    const member = await buildLogin(app, { role: 'member' });
    await expect(
      importRoster(app.deps, member.actor, {
        csv: csv('1,A,B,a@b.org,'),
        source: 'x',
        dryRun: true,
        validRowsOnly: false,
      }),
    ).rejects.toThrow(AppError);
  });

  it('commits all chunks or none: a failure in the last chunk leaves the roster as it was', async () => {
    // A real database failure late in the import, which no check in the code anticipates.
    await app.deps.db.execute(sql`
      create function refuse_last_row() returns trigger language plpgsql as $$
      begin
        if new.member_number = 'N11999' then raise exception 'refused for the test'; end if;
        return new;
      end $$`);
    await app.deps.db.execute(
      sql`create trigger refuse_last_row before insert on members for each row execute function refuse_last_row()`,
    );
    try {
      const rows = Array.from({ length: 12_000 }, (_, i) => `N${i},First${i},Last,n${i}@example.org,`);
      await expect(run(csv(...rows))).rejects.toThrow();
      expect(await roster()).toEqual([]);
      expect(await importEvents()).toEqual([]);
    } finally {
      await app.deps.db.execute(sql`drop trigger refuse_last_row on members`);
      await app.deps.db.execute(sql`drop function refuse_last_row()`);
    }
  });

  it('imports many rows in chunks, reporting progress', async () => {
    const rows = Array.from({ length: 21_000 }, (_, i) => `N${i},First${i},Last,n${i}@example.org,`);
    const progress: number[] = [];
    const report = await importRoster(
      app.deps,
      systemActor(),
      { csv: csv(...rows), source: 'big.csv', dryRun: false, validRowsOnly: false },
      (done) => progress.push(done),
    );
    expect(report).toMatchObject({ added: 21_000, applied: true });
    expect(progress).toEqual([...Array.from({ length: 11 }, (_, i) => i * 2_000), 21_000]);
    const again = await run(csv(...rows.map((r, i) => (i % 10 === 0 ? r.replace('Last', 'Changed') : r))));
    expect(again).toMatchObject({ added: 0, updated: 2_100, unchanged: 18_900 });
  });
});
