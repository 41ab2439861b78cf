import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { seed } from './memberRosterSeed.ts';

// Issue 12 item 9: the CSV exports open in Excel as UTF-8 and say what the pages say.
const app = useTestApp();
const ROSTER = '/admin/query-tool/member-roster-current';
const AUDIT = '/admin/audit-log.csv';
const EXPORTS = [`${ROSTER}.csv?sort=memberNumber`, `${ROSTER}?sort=memberNumber&format=csv`, AUDIT];

// A Security Administrator may read both the reports and the Audit Log.
async function asAdmin() {
  const me = await buildLogin(app, { role: 'security_admin' });
  const client = browser(await app.server());
  await client.logIn(me.username, me.password);
  return client;
}

const records = (body: string) => parse(body, { bom: true, relax_column_count: false }) as string[][];

describe('CSV exports in Excel', () => {
  it('start with one UTF-8 byte order mark, so Excel reads the accents as they are', async () => {
    await seed(app, [{ number: 'X1', first: 'Zoë', last: 'Ångström' }]);
    const client = await asAdmin();
    for (const url of EXPORTS) {
      const res = await client.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      // The bytes are the point here: EF BB BF once, then the header's first letter.
      const bytes = res.rawPayload;
      const header = url === AUDIT ? 'when' : 'member_number';
      expect([...bytes.subarray(0, 4)], url).toEqual([0xef, 0xbb, 0xbf, header.charCodeAt(0)]);
    }
    const roster = records((await client.get(EXPORTS[0]!)).body);
    expect(roster.find((r) => r[0] === 'X1')!.slice(1, 3)).toEqual(['Zoë', 'Ångström']);
  });

  it('say the delivery state in the words of the Member Roster page, not its stored name', async () => {
    await seed(app, [
      { number: 'D1', first: 'Logged', last: 'Lovelace', delivery: 'logged' },
      { number: 'D2', first: 'Failed', last: 'Hopper', delivery: 'failed' },
      { number: 'D3', first: 'Never', last: 'Invited' },
    ]);
    const client = await asAdmin();
    const [header, ...rows] = records((await client.get(EXPORTS[0]!)).body);
    const state = header!.indexOf('delivery_state');
    const detail = header!.indexOf('delivery_detail');
    const byNumber = new Map(rows.map((r) => [r[0], [r[state], r[detail]]]));
    expect(byNumber.get('D1')).toEqual(['Kept in Email Log', '']);
    expect(byNumber.get('D2')).toEqual(['Failed', '550 5.1.1 mailbox unavailable']);
    expect(byNumber.get('D3')).toEqual(['Never invited', '']);
  });

  it('say the audit action in the words of the Audit Log page, not its code', async () => {
    const client = await asAdmin();
    // The roster export is itself on record, as "report.exported".
    await client.get(EXPORTS[0]!);
    const [header, ...rows] = records((await client.get(AUDIT)).body);
    const action = header!.indexOf('action');
    expect(rows.map((r) => r[action])).toContain('Exported a report (CSV)');
    expect(rows.map((r) => r[action])).not.toContain('report.exported');
  });
});
