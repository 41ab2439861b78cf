import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { csvRecord } from '../../src/domain/audit/auditCsv.ts';
import { type Actor, systemActor } from '../../src/domain/policy.ts';
import { listMemberRoster, memberRosterBatches } from '../../src/domain/reports/memberRoster.ts';
import {
  ROSTER_CSV_HEADER,
  rosterCsvCells,
  rosterCsvChunks,
} from '../../src/domain/reports/memberRosterCsv.ts';
import {
  memberRosterInput,
  type RosterQuery,
  rosterSorts,
} from '../../src/domain/reports/memberRosterQuery.ts';
import { deliveryWords } from '../../src/http/ui/deliveryWords.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { expectedOrder, login, roster, seed } from './memberRosterSeed.ts';

const app = useTestApp();
const admin: Actor = { ...systemActor('test admin'), role: 'admin' };
const PAGE = '/admin/query-tool/member-roster-current';

/** Members whose cells a spreadsheet would run as formulas, were they not neutralised. */
const injections = [
  {
    number: '=1+1',
    first: '=HYPERLINK("http://evil.example","x")',
    last: 'Formula',
    email: '=cmd@example.org',
  },
  { number: 'I2', first: '+SUM(A1)', last: '-2+3', email: '+plus@example.org' },
  { number: 'I3', first: '@SUM(A1)', last: 'At, "quoted"\r\nline', email: '@at@example.org' },
  {
    number: 'I4',
    first: '\tTab',
    last: '\rReturn',
    email: '-minus@example.org',
    login: login('-dash', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'),
  },
  // Nothing in a cell, quotes alone, a line break without CR, a time with microseconds past the millisecond.
  {
    number: 'I5',
    first: '',
    last: '"',
    email: 'zoë\n@example.org',
    login: login('i5', '2025-03-04T12:34:56.123999Z', '2025-03-05T00:00:00.0005Z'),
  },
];

const parseCsv = (text: string) => parse(text, { bom: true, relaxColumnCount: false }) as string[][];

async function asAdmin() {
  const me = await buildLogin(app, { role: 'admin' });
  const client = browser(await app.server());
  await client.logIn(me.username, me.password);
  return client;
}

/** Every row of the report on screen, page after page, as the export should write it. */
async function pagesAsCells(query: RosterQuery): Promise<string[][]> {
  const cells: string[][] = [];
  let after: string | undefined;
  do {
    const page = await listMemberRoster(app.deps, admin, { ...query, limit: 4, after });
    for (const m of page.rows) {
      cells.push([
        m.memberNumber,
        m.firstName,
        m.lastName,
        m.email,
        m.username ?? '',
        m.loginCreatedAt?.toISOString() ?? '',
        m.lastLoginAt?.toISOString() ?? '',
        String(m.invitationsSent),
        m.lastInvitedAt?.toISOString() ?? '',
        deliveryWords({ deliveryState: m.deliveryState, deliveryDetail: null }), // as the page says it
        m.deliveryDetail ?? '',
      ]);
    }
    after = page.next ?? undefined;
  } while (after);
  return cells;
}

/**
 * The file as the JavaScript writer makes it from the pages' rows (`rosterCsvCells`, `csvRecord`): where
 * the database server writes the export instead, its bytes must be these.
 */
async function pagesAsFile(query: RosterQuery): Promise<string> {
  let file = `\uFEFF${csvRecord(ROSTER_CSV_HEADER)}`;
  let after: string | undefined;
  do {
    const page = await listMemberRoster(app.deps, admin, { ...query, limit: 4, after });
    for (const m of page.rows) file += csvRecord(rosterCsvCells(m));
    after = page.next ?? undefined;
  } while (after);
  return file;
}

/** What a spreadsheet shows for a cell the export prefixed with a quote. */
const shown = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

describe('Member Roster - Current CSV export', () => {
  it('streams the whole filtered report in the current sort, as the pages show it', async () => {
    await seed(app, [...roster, ...injections]);
    const client = await asAdmin();
    for (const url of [
      `${PAGE}.csv?sort=lastLogin&dir=desc`,
      `${PAGE}?sort=lastLogin&dir=desc&format=csv`,
      `${PAGE}.csv?sort=name&login=has&lastLoginAfter=2026-01-01`,
      `${PAGE}.csv?sort=username&dir=desc&deliveryFailed=1`,
    ]) {
      const res = await client.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="member-roster-current-2026-01-15.csv"',
      );
      const [header, ...rows] = parseCsv(res.body);
      expect(header).toEqual(ROSTER_CSV_HEADER);
      const query = memberRosterInput.parse(Object.fromEntries(new URL(url, 'http://x').searchParams));
      const expected = await pagesAsCells(query);
      expect(rows.length, url).toBe(expected.length);
      expect(rows.map((r) => r.map(shown))).toEqual(expected);
      expect(res.body, url).toBe(await pagesAsFile(query));
    }
  });

  it('walks every sort across its parts in batches, each member exactly once', async () => {
    const all = await seed(app, roster);
    for (const sort of rosterSorts) {
      for (const dir of ['asc', 'desc'] as const) {
        let text = '';
        for await (const chunk of rosterCsvChunks(memberRosterBatches(app.deps, admin, { sort, dir }, 3))) {
          text += chunk;
        }
        const numbers = parseCsv(text)
          .slice(1)
          .map((r) => r[0]);
        const expected = expectedOrder(all, sort, dir).map((id) => all.find((m) => m.id === id)!.number);
        expect(numbers, `${sort} ${dir}`).toEqual(expected);
      }
    }
  });

  it('neutralises cells that a spreadsheet would take as formulas, and quotes as RFC 4180 asks', async () => {
    await seed(app, injections);
    const client = await asAdmin();
    const res = await client.get(`${PAGE}.csv?sort=memberNumber`);
    expect(res.body).toContain(
      `'=1+1,"'=HYPERLINK(""http://evil.example"",""x"")",Formula,'=cmd@example.org`,
    );
    expect(res.body).toContain(`I2,'+SUM(A1),'-2+3,'+plus@example.org`);
    expect(res.body).toContain(`I3,'@SUM(A1),"At, ""quoted""\r\nline",'@at@example.org`);
    expect(res.body.split('\r\n')[0]).toBe(`\uFEFF${ROSTER_CSV_HEADER.join(',')}`);
    const rows = parseCsv(res.body).slice(1);
    const i4 = rows.find((r) => r[0] === 'I4')!;
    expect(i4.slice(1, 5)).toEqual(["'\tTab", "'\rReturn", "'-minus@example.org", "'-dash"]);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('records who exported the report and with which filters', async () => {
    await seed(app, roster);
    const client = await asAdmin();
    await client.get(`${PAGE}.csv?sort=lastLogin&dir=desc&login=has&deliveryFailed=1`);
    const events = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'report.exported'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorLabel: expect.stringMatching(/^user\d+$/),
      details: {
        report: 'Member Roster - Current',
        filters: { login: 'has', deliveryFailed: '1' },
        sort: 'lastLogin',
        dir: 'desc',
      },
    });
  });

  it('refuses a bad filter before any byte of a file, and lets only report readers export', async () => {
    const client = await asAdmin();
    const bad = await client.get(`${PAGE}.csv?lastLoginAfter=2026-13-01`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-disposition']).toBeUndefined();
    expect(
      await app.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'report.exported')),
    ).toEqual([]);

    const member = await buildLogin(app, { role: 'member' });
    const memberClient = browser(await app.server());
    await memberClient.logIn(member.username, member.password);
    for (const url of [`${PAGE}.csv`, `${PAGE}?format=csv`, PAGE, '/admin/query-tool']) {
      expect((await memberClient.get(url)).statusCode, url).toBe(403);
    }
  });
});

describe('Member Roster - Current page', () => {
  it('shows the report with sortable headers, Export CSV and links to each profile', async () => {
    const all = await seed(app, roster);
    const client = await asAdmin();
    const tool = await client.get('/admin/query-tool');
    expect(tool.statusCode).toBe(200);
    expect(readPage(tool.body).link('Member Roster - Current')).toBe(PAGE);

    const res = await client.get(`${PAGE}?sort=lastLogin&dir=desc&login=has`);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    const sorted = page.getByRole('columnheader', { name: /^Last Login/ });
    expect(sorted.getAttribute('aria-sort')).toBe('descending');
    expect(page.getByRole('columnheader', { name: /^Name/ }).getAttribute('aria-sort')).toBeNull();
    // Clicking the sorted header again reverses it, keeping the filter.
    expect(page.link(/^Last Login/)).toBe(`${PAGE}?login=has&sort=lastLogin`);
    expect(page.link('Export CSV')).toBe(`${PAGE}.csv?login=has&sort=lastLogin&dir=desc`);
    const grace = all.find((m) => m.number === 'M04')!;
    const names = page.tableRows().map((cells) => cells[1]);
    expect(page.link(names.find((n) => n?.startsWith('Hopper'))!)).toBe(`/admin/members/${grace.id}`);
    const at = (last: string) => names.findIndex((n) => n?.startsWith(last));
    expect(at('Hopper')).toBeGreaterThanOrEqual(0);
    expect(at('Hopper')).toBeLessThan(at('Dijkstra'));
  });

  it('shows field errors next to bad dates and keeps what was typed', async () => {
    const client = await asAdmin();
    const res = await client.get(`${PAGE}?lastLoginAfter=2026-02-30&lastLoginBefore=tomorrow&login=has`);
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    const DATE = 'Enter the date as year-month-day, for example 2026-01-31.';
    expect(page.errorFor('Last login after')).toBe(DATE);
    expect(page.errorFor('Last login before')).toBe(DATE);
    expect(page.valueOf('Last login after')).toBe('2026-02-30');
    expect(page.valueOf('Last login before')).toBe('tomorrow');
    expect(page.valueOf('Login')).toBe('has');
    expect(page.queryByRole('table')).toBeNull();
  });

  it('says so when no current member matches', async () => {
    await seed(app, roster);
    const client = await asAdmin();
    const res = await client.get(`${PAGE}?lastLoginBefore=2000-01-01`);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.text).toContain('No current members match these filters.');
    expect(page.queryByRole('link', { name: 'Export CSV' })).toBeNull();
    expect(page.link('Clear filters')).toBe(PAGE);
  });
});
