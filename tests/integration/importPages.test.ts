import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { members, rosterUploads } from '../../src/db/schema.ts';
import { browser, buildLogin, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

const app = useTestApp();
const IMPORT = '/admin/member-management/import';
const HEADER = 'member_number,first_name,last_name,email,status';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\r\n')}\r\n`;

/** A multipart/form-data body as a browser sends it: text fields, then (optionally) one file. */
function multipart(fields: Record<string, string>, file?: { content: string | Buffer; filename?: string }) {
  const boundary = `----gatehouse${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename ?? 'roster.csv'}"\r\n` +
          'Content-Type: text/csv\r\n\r\n',
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function signedInAdmin() {
  const admin = await buildLogin(app, { role: 'admin' });
  const b = browser(await app.server());
  await b.logIn(admin.username, admin.password);
  return { admin, b };
}

/** Opens the import page (for its CSRF token) and uploads `file` through its form. */
async function upload(b: ReturnType<typeof browser>, file?: { content: string | Buffer; filename?: string }) {
  const page = await b.get(IMPORT);
  const body = multipart({ _csrf: csrfFrom(page.body) }, file);
  const server = await app.server();
  return server.inject({
    method: 'POST',
    url: IMPORT,
    headers: { cookie: b.cookies, 'content-type': body.contentType },
    payload: body.payload,
  });
}

const importedNumbers = async (numbers: string[]) =>
  (await app.deps.db.select().from(members).where(inArray(members.memberNumber, numbers)))
    .map((m) => m.memberNumber)
    .sort();

/** The preview's counts as a reader hears them, e.g. "2 To be added". */
const counts = (page: Page) =>
  page
    .inside(page.getByRole('list', { name: 'What the import would do' }))
    .getAllByRole('listitem')
    .map((item) => item.textContent);
/** The rows of the preview's Problems table: [line, problem]. */
const problems = (page: Page) => page.inside(page.getByRole('region', { name: 'Problems' })).tableRows();

describe('Import members pages', () => {
  it('shows the expected format and an accessible upload form', async () => {
    const { b } = await signedInAdmin();
    const page = await b.get(IMPORT);
    expect(page.statusCode).toBe(200);
    const upload = readPage(page.body);
    const file = upload.field('Roster file (CSV)');
    expect(file.getAttribute('type')).toBe('file');
    // The button sends the file field's form, as a multipart upload.
    const button = upload.getByRole('button', { name: 'Preview import' });
    expect(button.closest('form')).toBe(file.closest('form'));
    expect(file.closest('form')?.getAttribute('enctype')).toBe('multipart/form-data');
    expect(upload.text).toContain('member_number,first_name,last_name,email,status');
    expect(upload.link('Member Management')).toBe('/admin/member-management');
  });

  it('lets an admin preview a file and apply it', async () => {
    const { b } = await signedInAdmin();
    const res = await upload(b, {
      content: `\uFEFF${csv('1001,Ada,Lovelace,ada@example.org,', '1002,Grace,Hopper,g@h.org,lapsed')}`,
    });
    expect(res.statusCode).toBe(303);
    const previewUrl = res.headers.location as string;
    expect(previewUrl).toMatch(new RegExp(`^${IMPORT}/[0-9a-f-]{36}$`));
    const preview = await b.get(previewUrl);
    expect(preview.statusCode).toBe(200);
    const shown = readPage(preview.body);
    expect(counts(shown)).toContain('2 To be added');
    expect(shown.text).not.toContain('Import valid rows only');
    expect(await importedNumbers(['1001', '1002'])).toEqual([]);

    const applied = await b.submit(previewUrl, `${previewUrl}/apply`, {});
    expect(applied.statusCode).toBe(303);
    expect(await importedNumbers(['1001', '1002'])).toEqual(['1001', '1002']);
    const result = await b.get(applied.headers.location as string);
    expect(readPage(result.body).text).toContain('Imported: 2 added, 0 updated, 0 unchanged.');
    // The upload is gone once applied: applying it twice is not possible.
    expect((await b.get(previewUrl)).statusCode).toBe(410);
    expect(await app.deps.db.select().from(rosterUploads)).toEqual([]);
  });

  it('lists problems by line and imports nothing until the admin chooses valid rows only', async () => {
    const { b } = await signedInAdmin();
    const res = await upload(b, {
      content: csv('1,Ada,Lovelace,ada@example.org,', '2,Grace,Hopper,not-an-email,'),
    });
    const previewUrl = res.headers.location as string;
    const preview = await b.get(previewUrl);
    const shown = readPage(preview.body);
    expect(shown.text).toContain('Nothing will be imported until the file is fixed');
    expect(shown.getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Line', 'Problem']);
    expect(problems(shown)).toEqual([['3', 'Email "not-an-email" is not a valid address']]);
    const validOnly = shown.getByRole('checkbox', { name: 'Import valid rows only', checked: false });
    expect([validOnly.getAttribute('name'), validOnly.getAttribute('value')]).toEqual([
      'validRowsOnly',
      'yes',
    ]);

    const refused = await b.submit(previewUrl, `${previewUrl}/apply`, {});
    expect(refused.statusCode).toBe(400);
    expect(readPage(refused.body).alert()).toMatch(/^Nothing was imported/);
    expect(await importedNumbers(['1', '2'])).toEqual([]);

    const applied = await b.submit(previewUrl, `${previewUrl}/apply`, { validRowsOnly: 'yes' });
    expect(applied.statusCode).toBe(303);
    expect(await importedNumbers(['1', '2'])).toEqual(['1']);
    const result = await b.get(applied.headers.location as string);
    expect(readPage(result.body).text).toContain(
      'Imported: 1 added, 0 updated, 0 unchanged; 1 invalid row skipped.',
    );
  });

  it("lists a row that would move an administrator's email as a problem, and never applies it", async () => {
    const target = await buildLogin(app, { role: 'security_admin' });
    const [sa] = await app.deps.db.select().from(members).where(eq(members.id, target.memberId));
    const { b } = await signedInAdmin();
    const res = await upload(b, {
      content: csv('1,Ada,Lovelace,ada@example.org,', `${sa!.memberNumber},S,A,attacker@evil.test,`),
    });
    const previewUrl = res.headers.location as string;
    const preview = await b.get(previewUrl);
    expect(problems(readPage(preview.body))).toEqual([
      ['3', `email "attacker@evil.test": change this administrator's email on their profile`],
    ]);
    const refused = await b.submit(previewUrl, `${previewUrl}/apply`, {});
    expect(refused.statusCode).toBe(400);
    const applied = await b.submit(previewUrl, `${previewUrl}/apply`, { validRowsOnly: 'yes' });
    expect(applied.statusCode).toBe(303);
    expect(await importedNumbers(['1'])).toEqual(['1']);
    const [after] = await app.deps.db.select().from(members).where(eq(members.id, target.memberId));
    expect(after!.email).toBe(sa!.email);
  });

  it('shows the first 200 problems and says how many more there are', async () => {
    const { b } = await signedInAdmin();
    const rows = Array.from({ length: 250 }, (_, i) => `${i},First,Last,bad-${i},`);
    const preview = await b.get((await upload(b, { content: csv(...rows) })).headers.location as string);
    const shown = readPage(preview.body);
    expect(problems(shown)).toHaveLength(200);
    expect(shown.text).toContain('there are 50 more');
    expect(shown.text).toContain('No row of this file can be imported');
  });

  it('says next to the file field what is wrong with a file that is not a roster', async () => {
    const { b } = await signedInAdmin();
    const cases: [Parameters<typeof upload>[1], string][] = [
      [undefined, 'Choose the roster CSV file'],
      [{ content: '' }, 'The file is empty'],
      // What a browser sends when no file was chosen: a file part with no name and no content.
      [{ content: '', filename: '' }, 'Choose the roster CSV file'],
      [{ content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe]), filename: 'roster.xlsx' }, 'CSV'],
      [{ content: 'name,email\nAda,ada@example.org\n' }, 'Line 1: the header is missing the columns'],
      [{ content: csv('1,"Ada,Lovelace,a@b.org,') }, 'Line 2: a quoted field'],
    ];
    for (const [file, message] of cases) {
      const res = await upload(b, file);
      expect(res.statusCode).toBe(400);
      const page = readPage(res.body);
      expect(page.errorFor('Roster file (CSV)')).toContain(message);
      // The hint, then the error, are read with the field.
      expect(page.descriptionOf('Roster file (CSV)')).toBe(
        `Nothing changes yet: the next page shows what the import would do. ${page.errorFor('Roster file (CSV)')}`,
      );
      expect(page.alert()).toBeTruthy();
    }
    expect(await app.deps.db.select().from(rosterUploads)).toEqual([]);
  });

  it("does not show or apply another admin's upload", async () => {
    const first = await signedInAdmin();
    const previewUrl = (await upload(first.b, { content: csv('1,Ada,Lovelace,ada@example.org,') })).headers
      .location as string;
    const second = await signedInAdmin();
    expect((await second.b.get(previewUrl)).statusCode).toBe(410);
    const apply = await second.b.submit(IMPORT, `${previewUrl}/apply`, {});
    expect(apply.statusCode).toBe(410);
    expect(await importedNumbers(['1'])).toEqual([]);
  });

  it('is refused to a member without the admin access level, and asks strangers to log in', async () => {
    const member = await buildLogin(app, { role: 'member' });
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    expect((await b.get(IMPORT)).statusCode).toBe(403);
    const res = await upload(b, { content: csv('1,Ada,Lovelace,ada@example.org,') });
    expect(res.statusCode).toBe(403);
    expect(await importedNumbers(['1'])).toEqual([]);
    const stranger = browser(await app.server());
    expect((await stranger.get(IMPORT)).headers.location).toBe(`/login?next=${encodeURIComponent(IMPORT)}`);
  });
});
