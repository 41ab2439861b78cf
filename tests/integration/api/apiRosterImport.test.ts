import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rosterImportRequest } from '../../../bench/lib/sampleRoster.ts';
import { auditEvents, members } from '../../../src/db/schema.ts';
import type { ApiScope } from '../../../src/domain/apiTokens/apiTokenInput.ts';
import { apiClient, buildApiToken } from '../../api.ts';
import { buildLogin, buildMember } from '../../factories.ts';
import { useTestApp } from '../../harness.ts';

const app = useTestApp({ UPLOAD_LIMIT_MB: '1' });

const HEADER = 'member_number,first_name,last_name,email,status';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;
const member = (n: string, extra: Record<string, string> = {}) => ({
  member_number: n,
  first_name: `First${n}`,
  last_name: `Last${n}`,
  email: `m${n}@example.org`,
  ...extra,
});

let tokens = 0;

async function client(scopes?: ApiScope[]) {
  tokens += 1;
  return apiClient(await app.server(), await buildApiToken(app, { name: `nightly sync ${tokens}`, scopes }));
}

const postCsv = async (text: string | Buffer, query = '') =>
  (await client())(`/api/v1/roster/import${query}`, {
    method: 'POST',
    payload: text as string,
    headers: { 'content-type': 'text/csv' },
  });

const postJson = async (body: unknown, query = '') =>
  (await client())(`/api/v1/roster/import${query}`, { method: 'POST', body });

const roster = async () =>
  (await app.deps.db.select().from(members).orderBy(asc(members.memberNumber))).map(
    (m) => `${m.memberNumber} ${m.firstName} ${m.email} ${m.status}`,
  );

describe('POST /api/v1/roster/import', () => {
  it('imports a CSV: added, updated and unchanged counted, audited under the token', async () => {
    await buildMember(app, { memberNumber: '1', firstName: 'Old', email: 'm1@example.org' });
    await buildMember(app, {
      memberNumber: '2',
      firstName: 'First2',
      lastName: 'Last2',
      email: 'm2@example.org',
    });
    const res = await postCsv(
      csv(
        '1,First1,Last1,m1@example.org,',
        '2,First2,Last2,m2@example.org,',
        '3,First3,Last3,m3@example.org,lapsed',
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ added: 1, updated: 1, unchanged: 1, problems: [], applied: true });
    expect(await roster()).toEqual([
      '1 First1 m1@example.org current',
      '2 First2 m2@example.org current',
      '3 First3 m3@example.org lapsed',
    ]);
    const [event] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'roster.imported'));
    expect(event!.actorLabel).toMatch(/^API token “nightly sync \d+”$/);
    expect(event!.details).toMatchObject({ source: 'API import (CSV)', added: 1, updated: 1 });
  });

  it('imports JSON members by the same rules, and reads a Windows-1252 CSV as the upload does', async () => {
    const res = await postJson({ members: [member('1'), member('2', { status: 'Lapsed' })] });
    expect(res.json).toEqual({ added: 2, updated: 0, unchanged: 0, problems: [], applied: true });
    expect(await roster()).toEqual(['1 First1 m1@example.org current', '2 First2 m2@example.org lapsed']);

    const latin1 = Buffer.from(`${csv('1,Zoë,Last1,m1@example.org,')}`, 'latin1');
    const again = await postCsv(latin1);
    expect(again.json).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    expect((await roster())[0]).toBe('1 Zoë m1@example.org current');
  });

  it('changes nothing on a dry run, and says what a real run would do', async () => {
    const res = await postJson({ members: [member('1'), member('2')] }, '?dry_run=true');
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ added: 2, updated: 0, unchanged: 0, problems: [], applied: false });
    expect(await roster()).toEqual([]);
    expect(await app.deps.db.$count(auditEvents, eq(auditEvents.action, 'roster.imported'))).toBe(0);
  });

  it('answers problems with 422 and applies nothing: CSV by file line, one problem per field', async () => {
    const res = await postCsv(
      csv('1,First1,Last1,m1@example.org,', '2,,Last2,not-an-address,', '1,Again,Last1,x@example.org,'),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json).toMatchObject({ added: 1, updated: 0, unchanged: 0, applied: false });
    expect(res.json.error.code).toBe('unprocessable');
    expect(res.json.problems).toEqual([
      { line: 3, field: 'first_name', message: 'First name is required' },
      { line: 3, field: 'email', message: 'Email "not-an-address" is not a valid address' },
      { line: 4, field: 'member_number', message: 'Member number "1" is also on line 2' },
    ]);
    expect(await roster()).toEqual([]);

    const header = await postCsv('number,first_name\n1,A\n');
    expect(header.statusCode).toBe(422);
    expect(header.json.problems).toEqual([
      { line: 1, message: expect.stringMatching(/missing the columns/) },
    ]);
  });

  it('numbers JSON problems by index, and applies the valid rows only when asked', async () => {
    const body = { members: [member('1'), member('2', { email: '' }), member('1')] };
    const refused = await postJson(body);
    expect(refused.statusCode).toBe(422);
    expect(refused.json.problems).toEqual([
      { index: 1, field: 'email', message: 'Email is required' },
      { index: 2, field: 'member_number', message: 'Member number "1" is also at index 0' },
    ]);
    expect(await roster()).toEqual([]);

    const applied = await postJson(body, '?valid_rows_only=true');
    expect(applied.statusCode).toBe(200);
    expect(applied.json).toMatchObject({ added: 1, applied: true });
    expect(applied.json.problems).toHaveLength(2);
    expect(await roster()).toEqual(['1 First1 m1@example.org current']);

    const wrongType = await postJson({ members: [member('1'), { ...member('2'), first_name: 7 }] });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json.error.field).toBe('members.1.first_name');
  });

  it("never moves an administrator's email: a problem naming email, even with valid_rows_only", async () => {
    const admin = await buildLogin(app, { role: 'security_admin' });
    const [record] = await app.deps.db.select().from(members).where(eq(members.id, admin.memberId));
    const row = { ...member(record!.memberNumber), email: 'attacker@evil.test' };
    const res = await postJson({ members: [member('N1'), row] }, '?valid_rows_only=true');
    expect(res.statusCode).toBe(200);
    expect(res.json.problems).toEqual([
      { index: 1, field: 'email', message: expect.stringMatching(/administrator/) },
    ]);
    expect(res.json).toMatchObject({ added: 1, applied: true });
    const [after] = await app.deps.db.select().from(members).where(eq(members.id, admin.memberId));
    expect(after!.email).toBe(record!.email);
  });

  it('needs roster:write, and takes only JSON or CSV (415 otherwise)', async () => {
    const readOnly = await (await client(['roster:read']))('/api/v1/roster/import', {
      method: 'POST',
      body: { members: [member('1')] },
    });
    expect(readOnly.statusCode).toBe(403);

    const plain = await (await client())('/api/v1/roster/import', {
      method: 'POST',
      payload: csv('1,A,B,a@b.org,'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.statusCode).toBe(415);
    expect(plain.json.error.message).toBeTruthy();
  });

  it('takes bodies above the form limit up to UPLOAD_LIMIT_MB, and answers 413 beyond', {
    timeout: 120_000,
  }, async () => {
    // Far above the 64 KB of a form, below the upload limit.
    const many = Array.from({ length: 1_500 }, (_, i) => member(String(i + 1)));
    const big = await postJson({ members: many });
    expect(big.json).toMatchObject({ added: 1_500, applied: true });

    const tooBig = await postCsv(`${csv('1,A,B,a@b.org,')}${' '.repeat(1024 * 1024)}`);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json.error.code).toBe('too_large');
    expect(await app.deps.db.$count(members)).toBe(1_500);
  });

  it('reads the same roster as CSV and as JSON alike (the benchmark’s sample: quotes, commas, accents)', async () => {
    const send = async (format: 'json' | 'csv') =>
      (await client())('/api/v1/roster/import', { method: 'POST', ...rosterImportRequest(40, format) });
    expect((await send('csv')).json).toMatchObject({ added: 40, problems: [] });
    expect((await send('json')).json).toMatchObject({ added: 0, updated: 0, unchanged: 40 });
    expect(await roster()).toContain('B0000010 Chloé member10@example.org lapsed');
  });
});
