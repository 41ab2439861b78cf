import { asc, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents, members } from '../../src/db/schema.ts';
import { type ImportInput, importRoster } from '../../src/domain/members/importRoster.ts';
import { isRosterMember } from '../../src/domain/members/madeUpNumbers.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { issueSetupToken } from '../../src/domain/setup/firstRunSetup.ts';
import { browser, buildMember, GOOD_PASSWORD, giveAuthenticator } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

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
const ada = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', username: 'ada' };

/** First-run setup through the page, with what the form is given; the response, with the browser. */
async function setUp(fields: Record<string, string>) {
  const token = (await issueSetupToken(app.deps))!;
  const b = browser(await app.server());
  const res = await b.submit(`/setup?token=${token}`, '/setup', {
    token,
    ...ada,
    password: GOOD_PASSWORD,
    ...fields,
  });
  return Object.assign(res, { b });
}

const adaRecords = () =>
  app.deps.db
    .select({ memberNumber: members.memberNumber, lastName: members.lastName, hasLogin: members.hasLogin })
    .from(members)
    .where(eq(members.emailLower, 'ada@example.org'))
    .orderBy(asc(members.id));

const rosterCount = async () =>
  (await app.deps.db.select({ n: count() }).from(members).where(isRosterMember(members.memberNumber)))[0]!.n;

describe('an administrator linked to her roster record', () => {
  it('setup without a member number makes a made-up record that member counts leave out', async () => {
    expect((await setUp({})).statusCode).toBe(303);
    const [record] = await adaRecords();
    expect(record!.memberNumber).toMatch(/^ADM-[0-9a-f]{6}$/);
    await buildMember(app);
    // Only the exact made-up form is left out: a real number that merely starts like one counts.
    await buildMember(app, { memberNumber: 'ADM-12345' });
    await buildMember(app, { memberNumber: 'ADM-ABCDEF' });
    expect(await rosterCount()).toBe(3);
  });

  it('setup with her member number puts her login on that record, and the import then updates it', async () => {
    expect((await setUp({ memberNumber: ' M-0042 ' })).statusCode).toBe(303);
    await run(csv('M-0042,Ada,King-Lovelace,ada@example.org,current'));
    expect(await adaRecords()).toEqual([
      { memberNumber: 'M-0042', lastName: 'King-Lovelace', hasLogin: true },
    ]);
  });

  it('an import finds her by email: the preview says so, the apply renumbers her record instead of adding her', async () => {
    expect((await setUp({})).statusCode).toBe(303);
    const [madeUp] = await adaRecords();
    const file = csv('M-0042,Ada,King,ADA@example.org,current', 'M-0043,Grace,Hopper,grace@example.org,');
    const preview = await run(file, { dryRun: true });
    expect(preview).toMatchObject({ added: 1, updated: 1, applied: false });
    expect(preview.linked).toEqual([
      expect.objectContaining({
        line: 2,
        madeUp: madeUp!.memberNumber,
        memberNumber: 'M-0042',
        name: 'Ada Lovelace',
      }),
    ]);
    expect(await adaRecords()).toEqual([madeUp]);

    const applied = await run(file);
    expect(applied).toMatchObject({ added: 1, updated: 1, applied: true });
    expect(await adaRecords()).toEqual([{ memberNumber: 'M-0042', lastName: 'King', hasLogin: true }]);
    const [linked] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'member.linked'));
    expect(linked!.details).toEqual({ from: madeUp!.memberNumber, to: 'M-0042', source: 'roster.csv' });
    expect(await rosterCount()).toBe(2);
    // Imported again: nothing left to link, her record is found by number.
    expect(await run(file)).toMatchObject({ added: 0, unchanged: 2, linked: [] });
  });

  it('links nothing when it is ambiguous: two rows with her email, or her number already on the roster', async () => {
    expect((await setUp({})).statusCode).toBe(303);
    const twoRows = csv('M-0042,Ada,Lovelace,ada@example.org,', 'M-0044,Byron,Lovelace,ada@example.org,');
    expect(await run(twoRows, { dryRun: true })).toMatchObject({ added: 2, linked: [] });
    await buildMember(app, { memberNumber: 'M-0050', email: 'someone@example.org' });
    expect(await run(csv('M-0050,Ada,Lovelace,ada@example.org,'), { dryRun: true })).toMatchObject({
      updated: 1,
      linked: [],
    });
  });

  it('an import refused for its bad rows renumbers nobody', async () => {
    expect((await setUp({})).statusCode).toBe(303);
    const [madeUp] = await adaRecords();
    const report = await run(csv('M-0042,Ada,King,ada@example.org,', 'M-0043,,Hopper,grace@example.org,'));
    expect(report.applied).toBe(false);
    expect(await adaRecords()).toEqual([madeUp]);
  });

  it('setup asks once when one roster member without a login has her email, then links or keeps apart', async () => {
    await run(csv('M-0042,Ada,Lovelace,ada@example.org,', 'M-0043,Grace,Hopper,grace@example.org,'));
    const asked = await setUp({});
    expect(asked.statusCode).toBe(400);
    expect(readPage(asked.body).errorFor(/^Member number/)).toMatch(
      /^The roster has one member with this email: Ada Lovelace, member number M-0042\./,
    );
    expect(await app.deps.db.select().from(accounts)).toHaveLength(0);
    // Raw check: the hidden field that carries "she was asked" has no label to find it by.
    expect(asked.body).toContain('name="checkedEmail" value="ada@example.org"');
    expect((await setUp({ memberNumber: 'M-0042' })).statusCode).toBe(303);
    expect(await adaRecords()).toEqual([{ memberNumber: 'M-0042', lastName: 'Lovelace', hasLogin: true }]);
  });

  it('setup keeps her apart from that record when she says it is not hers', async () => {
    await run(csv('M-0042,Ada,Lovelace,ada@example.org,'));
    expect((await setUp({ checkedEmail: 'ada@example.org' })).statusCode).toBe(303);
    const records = await adaRecords();
    expect(records.map((r) => r.hasLogin)).toEqual([false, true]);
  });

  it('Edit member links her record by hand: the made-up number is explained, her real one counts her', async () => {
    const { b } = await setUp({});
    const [account] = await app.deps.db.select().from(accounts);
    // A Security Administrator reaches admin pages once her second step is set up.
    await giveAuthenticator(app, { accountId: account!.id, username: 'ada' });
    const edit = `/admin/members/${account!.memberId}/edit`;
    const profile = readPage((await b.get(`/admin/members/${account!.memberId}`)).body);
    expect(profile.text).toMatch(/ADM-[0-9a-f]{6} \(made up when this administrator’s login was created/);
    const form = readPage((await b.get(edit)).body);
    expect(form.descriptionOf('Member number')).toMatch(/^This number was made up/);
    expect(await rosterCount()).toBe(0);
    const fields = { ...ada, memberNumber: 'M-0042', status: 'current' };
    expect((await b.submit(edit, edit, fields)).statusCode).toBe(303);
    expect(await adaRecords()).toEqual([{ memberNumber: 'M-0042', lastName: 'Lovelace', hasLogin: true }]);
    expect(await rosterCount()).toBe(1);
  });
});
