import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { auditLogBatches } from '../../src/domain/audit/auditLog.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

const app = useTestApp();
const LOG = '/admin/audit-log';
const CSV = '/admin/audit-log.csv';

type EventRow = typeof auditEvents.$inferInsert;

/** Inserts `count` events, one second apart (oldest first) unless `at` is given. */
async function insertEvents(count: number, overrides: Partial<EventRow> = {}) {
  const start = app.clock.now().getTime();
  const rows = Array.from({ length: count }, (_, i) => ({
    at: new Date(start + i * 1000),
    actorLabel: `actor${i}`,
    action: 'invitation.send',
    ip: '192.0.2.1',
    details: { roundId: i },
    ...overrides,
  }));
  const inserted = [];
  // In slices: one statement per few hundred rows keeps the parameter count small.
  for (let i = 0; i < rows.length; i += 500) {
    inserted.push(
      ...(await app.deps.db
        .insert(auditEvents)
        .values(rows.slice(i, i + 500))
        .returning({ id: auditEvents.id })),
    );
  }
  return inserted.map((r) => r.id);
}

async function signedIn(role: 'admin' | 'security_admin' | 'member' = 'security_admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { b, login };
}

/** The events of a log page, in the order shown (each row is the anchor `#event-<id>`). */
const shownIds = (html: string) =>
  readPage(html)
    .queryAllByRole('row')
    .filter((row) => row.id.startsWith('event-'))
    .map((row) => Number(row.id.slice('event-'.length)));
const link = (html: string, text: string) => readPage(html).link(text);
/** The table row whose Action cell (the third) reads `action`. */
const rowOf = (page: Page, action: string) => page.tableRows().find((cells) => cells[2] === action);

/** Every event id, newest first, as the log orders them. */
async function allIdsNewestFirst(
  where: (r: { id: number; at: Date; action: string }) => boolean = () => true,
) {
  const rows = await app.deps.db
    .select({ id: auditEvents.id, at: auditEvents.at, action: auditEvents.action })
    .from(auditEvents);
  return rows
    .filter(where)
    .sort((x, y) => y.at.getTime() - x.at.getTime() || y.id - x.id)
    .map((r) => r.id);
}

// The export starts with a BOM for Excel (csvExportsExcel.test.ts checks the bytes).
const parseCsv = (body: string): string[][] => parse(body, { bom: true, relax_column_count: false });

describe('Audit Log', () => {
  it('shows every event newest first, in words, with its actor, member, address and details', async () => {
    const member = await buildMember(app, { firstName: 'Ada', lastName: 'Lovelace', memberNumber: 'A100' });
    const { b, login } = await signedIn();
    await insertEvents(1, {
      at: new Date('2026-01-15T08:00:00Z'),
      actorLabel: login.username,
      actorAccountId: login.accountId,
      action: 'roster.imported',
      details: { source: 'upload', added: 3 },
    });
    await insertEvents(1, {
      at: new Date('2026-01-15T10:30:00Z'),
      actorLabel: 'command line',
      action: 'invitation.reenabled',
      memberId: member.id,
      ip: '203.0.113.9',
      details: { invitationId: 7 },
    });
    await insertEvents(1, { at: new Date('2026-01-15T09:00:00Z'), action: 'something.new', details: {} });
    const res = await b.get(LOG);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'When',
      'Who',
      'Action',
      'Member',
      'From',
      'Details',
    ]);
    expect(shownIds(res.body)).toEqual(await allIdsNewestFirst());
    expect(rowOf(page, 'Re-enabled an invitation link')).toEqual([
      '15 Jan 2026, 10:30 UTC',
      'command line',
      'Re-enabled an invitation link',
      'Ada Lovelace (A100)',
      '203.0.113.9',
      'invitationId: 7',
    ]);
    const imported = rowOf(page, 'Imported the member roster')!;
    expect(imported.slice(0, 2)).toEqual(['15 Jan 2026, 08:00 UTC', login.username]);
    // jsonb keeps its own key order; each pair on its own line.
    expect(imported[5]!.split('\n').sort()).toEqual(['added: 3', 'source: upload']);
    expect(rowOf(page, 'something.new')).toBeDefined();
    const table = page.inside(page.getByRole('table'));
    expect(table.link('Ada Lovelace')).toBe(`/admin/members/${member.id}`);
    expect(table.link(login.username)).toBe(`/admin/members/${login.memberId}`);
    expect(page.link('Export CSV')).toBe(CSV);
    expect(page.link('Older events')).toBeNull();
    expect(page.link('Newer events')).toBeNull();
  });

  it('is for Security Administrators only', async () => {
    await insertEvents(1);
    for (const role of ['admin', 'member'] as const) {
      const { b } = await signedIn(role);
      expect((await b.get(LOG)).statusCode, role).toBe(403);
      expect((await b.get(CSV)).statusCode, role).toBe(403);
    }
    const anonymous = browser(await app.server());
    expect((await anonymous.get(LOG)).statusCode).not.toBe(200);
    expect((await anonymous.get(CSV)).statusCode).not.toBe(200);
  });

  it('has an empty state, plain and searched', async () => {
    const { b } = await signedIn();
    const plain = readPage((await b.get(LOG)).body);
    expect(plain.text).toContain('Nothing has been recorded yet.');
    expect(plain.queryByText('Export CSV')).toBeNull();
    const searched = readPage((await b.get(`${LOG}?actor=nobody`)).body);
    expect(searched.text).toContain('No event matches this search.');
    expect(searched.link('Show all events')).toBe(LOG);
  });

  it('filters by actor, member, action and dates (inclusive, UTC)', async () => {
    const ada = await buildMember(app, { firstName: 'Ada', lastName: 'Lovelace', memberNumber: 'A100' });
    const bob = await buildMember(app, { firstName: 'Bob', lastName: 'Adams', memberNumber: 'B200' });
    const [early] = await insertEvents(1, {
      at: new Date('2026-01-10T00:00:00Z'),
      actorLabel: 'Alice',
      memberId: ada.id,
      action: 'invitation.send',
    });
    const [late] = await insertEvents(1, {
      at: new Date('2026-01-12T23:59:59.999Z'),
      actorLabel: 'alfred',
      memberId: bob.id,
      action: 'password.changed_by_member',
    });
    const [outside] = await insertEvents(1, {
      at: new Date('2026-01-13T00:00:00Z'),
      actorLabel: 'Bert',
      memberId: ada.id,
      action: 'invitation.send',
    });
    const { b } = await signedIn();
    const ids = async (query: string) => {
      const res = await b.get(`${LOG}?${query}`);
      expect(res.statusCode, query).toBe(200);
      return shownIds(res.body).sort((x, y) => x - y);
    };
    expect(await ids('actor=AL')).toEqual([early, late]);
    expect(await ids('actor=alic')).toEqual([early]);
    expect(await ids('actor=%25')).toEqual([]);
    expect(await ids('member=a100')).toEqual([early, outside]);
    // A name matches from the start of the full name or of the last name: Ada Lovelace and Bob Adams.
    expect(await ids('member=Ada')).toEqual([early, late, outside]);
    expect(await ids('member=ada+love')).toEqual([early, outside]);
    expect(await ids('member=Adams')).toEqual([late]);
    expect(await ids('member=A10')).toEqual([]);
    expect(await ids('action=password.changed_by_member')).toEqual([late]);
    expect(await ids('from=2026-01-10&to=2026-01-12')).toEqual([early, late]);
    expect(await ids('from=2026-01-11')).toEqual([late, outside]);
    expect(await ids('to=2026-01-09')).toEqual([]);
    expect(await ids('actor=b&member=ada&action=invitation.send&from=2026-01-13&to=2026-01-13')).toEqual([
      outside,
    ]);
    // The form shows the search back, and the export link carries it.
    const page = readPage((await b.get(`${LOG}?actor=al&action=invitation.send`)).body);
    expect(page.valueOf('Actor')).toBe('al');
    expect(page.valueOf('Action')).toBe('invitation.send');
    expect(page.link('Export CSV')).toBe(`${CSV}?actor=al&action=invitation.send`);
  });

  it('refuses a bad date or action with the message next to the field', async () => {
    const { b } = await signedIn();
    const res = await b.get(`${LOG}?from=2026-02-30&to=yesterday&actor=kept`);
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.alert()).toContain('There is a problem');
    expect(page.errorFor('From date')).toBe('Enter the date as year-month-day, for example 2026-01-31.');
    expect(page.errorFor('To date')).toBeTruthy();
    expect(page.valueOf('From date')).toBe('2026-02-30');
    expect(page.valueOf('Actor')).toBe('kept');
    expect(page.field('From date').getAttribute('aria-invalid')).toBe('true');

    const reversed = await b.get(`${LOG}?from=2026-01-10&to=2026-01-09`);
    expect(reversed.statusCode).toBe(400);
    expect(readPage(reversed.body).text).toContain('The To date must be the same as or after the From date.');

    const action = await b.get(`${LOG}?action=drop.tables`);
    expect(action.statusCode).toBe(400);
    expect(readPage(action.body).errorFor('Action')).toBeTruthy();

    const csv = await b.get(`${CSV}?from=31/01/2026`);
    expect(csv.statusCode).toBe(400);
    expect(csv.headers['content-type']).toContain('text/html');
    expect(readPage(csv.body).text).toContain('Enter the date as year-month-day');
  });

  it('pages through 120 events 50 at a time, older and back newer, missing none', async () => {
    // Ten events share one timestamp: the id breaks the tie, so none is skipped or repeated.
    await insertEvents(110);
    await insertEvents(10, { at: new Date('2026-01-15T09:00:30Z'), actorLabel: 'same' });
    const { b } = await signedIn();
    const first = await b.get(LOG);
    const page1 = shownIds(first.body);
    expect(page1).toHaveLength(50);
    expect(link(first.body, 'Newer events')).toBeNull();
    const second = await b.get(link(first.body, 'Older events')!);
    const page2 = shownIds(second.body);
    expect(page2).toHaveLength(50);
    const third = await b.get(link(second.body, 'Older events')!);
    const page3 = shownIds(third.body);
    expect(page3).toHaveLength(20);
    expect(link(third.body, 'Older events')).toBeNull();
    expect([...page1, ...page2, ...page3]).toEqual(await allIdsNewestFirst());

    const back = await b.get(link(third.body, 'Newer events')!);
    expect(shownIds(back.body)).toEqual(page2);
    const top = await b.get(link(back.body, 'Newer events')!);
    expect(shownIds(top.body)).toEqual(page1);
    expect(link(top.body, 'Newer events')).toBeNull();
  });

  it('refuses an edited page link on the page, keeping the search', async () => {
    await insertEvents(60);
    const { b } = await signedIn();
    const first = await b.get(`${LOG}?actor=actor`);
    const older = link(first.body, 'Older events')!;
    expect(new URL(older, 'http://portal.test').searchParams.get('after')).toBeTruthy();
    for (const edited of [
      `${LOG}?actor=actor&after=not-a-cursor`,
      `${LOG}?actor=actor&before=${Buffer.from('{"s":"","k":["2026-13-45T00:00:00.000000Z",1]}').toString('base64url')}`,
      // The id of the real cursor, made a string.
      older.replace(/after=([^&]+)/, (_, cursor: string) => {
        const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        body.k[1] = String(body.k[1]);
        return `after=${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
      }),
    ]) {
      const res = await b.get(edited);
      expect(res.statusCode, edited).toBe(400);
      const page = readPage(res.body);
      expect(page.alert(), edited).toContain(
        'That page link is out of date. Start again from the first page.',
      );
      expect(page.valueOf('Actor')).toBe('actor');
      expect(page.queryByRole('table')).toBeNull();
    }
    const both = await b.get(`${older}&before=x`);
    expect(both.statusCode).toBe(400);
    expect(readPage(both.body).alert()).toContain('not both');
  });

  it('keeps the filter on the page links', async () => {
    await insertEvents(60, { action: 'invitation.send' });
    await insertEvents(60, { action: 'invitation.accepted' });
    const { b } = await signedIn();
    const first = await b.get(`${LOG}?action=invitation.accepted`);
    const older = link(first.body, 'Older events')!;
    expect(older).toContain('action=invitation.accepted');
    const second = await b.get(older);
    const walked = [...shownIds(first.body), ...shownIds(second.body)];
    expect(walked).toEqual(await allIdsNewestFirst((r) => r.action === 'invitation.accepted'));
  });

  it('exports the filtered log as CSV, streamed in batches, equal to the events', async () => {
    const ada = await buildMember(app, { firstName: 'Ada', lastName: 'Lovelace', memberNumber: 'A100' });
    // More than two export batches, with ties on the timestamp across a batch boundary.
    await insertEvents(2100, { memberId: ada.id });
    await insertEvents(20, { at: new Date('2026-01-15T09:16:40Z'), actorLabel: 'tie', memberId: ada.id });
    await insertEvents(5, { action: 'demo.filled', details: { members: 1, note: 'a, "quoted"\nline' } });
    const { b } = await signedIn();
    const res = await b.get(`${CSV}?action=invitation.send`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-log-2026-01-15.csv"');
    const [header, ...records] = parseCsv(res.body);
    expect(header).toEqual(['when', 'actor', 'action', 'member_number', 'member_name', 'ip', 'details']);

    const expected = (await app.deps.db.select().from(auditEvents))
      .filter((e) => e.action === 'invitation.send')
      .sort((x, y) => y.at.getTime() - x.at.getTime() || y.id - x.id)
      .map((e) => [
        e.at.toISOString(),
        e.actorLabel,
        'Sent an invitation', // the action as the page says it
        'A100',
        'Ada Lovelace',
        e.ip ?? '',
        JSON.stringify(e.details),
      ]);
    expect(records).toHaveLength(2120);
    expect(records).toEqual(expected);

    const all = parseCsv((await b.get(CSV)).body).slice(1);
    expect(all).toHaveLength(2125);
    const demo = all.find((r) => r[2] === 'Filled the portal with demo members')!;
    expect(JSON.parse(demo[6]!)).toEqual({ members: 1, note: 'a, "quoted"\nline' });
    expect(demo[3]).toBe('');
  });

  it('walks the whole filtered log in keyset batches, each at most the batch size', async () => {
    await insertEvents(40);
    await insertEvents(12, { at: new Date('2026-01-15T09:00:20Z') });
    const { login } = await signedIn();
    const sizes: number[] = [];
    const walked: number[] = [];
    for await (const batch of auditLogBatches(app.deps, login.actor, {}, 7)) {
      sizes.push(batch.length);
      walked.push(...batch.map((r) => r.id));
    }
    expect(Math.max(...sizes)).toBe(7);
    expect(walked).toEqual(await allIdsNewestFirst());
    const { login: admin } = await signedIn('admin');
    await expect(auditLogBatches(app.deps, admin.actor, {}).next()).rejects.toThrow('Security Administrator');
  });

  it('neutralises cells a spreadsheet would take as a formula', async () => {
    const evil = await buildMember(app, {
      firstName: '=HYPERLINK("http://x")',
      lastName: 'X',
      memberNumber: '-5',
    });
    const labels = ['=SUM(A1:A2)', '+1+1', '-2-3', '@cmd', '\tTAB', 'plain'];
    for (const [i, actorLabel] of labels.entries()) {
      await insertEvents(1, {
        at: new Date(Date.UTC(2026, 0, 15, 9, 0, i)),
        actorLabel,
        memberId: evil.id,
        ip: i === 0 ? '=1+2' : null,
        details: { note: '=cmd|" /C calc"!A0' },
      });
    }
    const { b } = await signedIn();
    const [, ...records] = parseCsv((await b.get(CSV)).body);
    expect(records.map((r) => r[1])).toEqual(['plain', "'\tTAB", "'@cmd", "'-2-3", "'+1+1", "'=SUM(A1:A2)"]);
    for (const r of records) {
      expect(r[3]).toBe("'-5");
      expect(r[4]).toBe('\'=HYPERLINK("http://x") X');
      expect(r[6]!.startsWith('{')).toBe(true);
      for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(records.at(-1)![5]).toBe("'=1+2");
  });
});
