import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { members } from '../../src/db/schema.ts';
import { decodeRosterBytes, detectRosterEncoding } from '../../src/domain/members/decodeRosterFile.ts';
import { parseRosterCsv } from '../../src/domain/members/parseRosterCsv.ts';
import { runCli } from '../cliProcess.ts';
import { browser, buildLogin, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { EMBEDDED_DATA_DIR_ONLY, inPostgresSuite, migratedDataDir } from '../migratedDataDir.ts';
import { type Page, readPage } from '../page.ts';

// Issue 12 item 8: files as spreadsheets save them (Excel's ";" CSV, Windows-1252, tabs, a BOM).
const app = useTestApp();
const IMPORT = '/admin/member-management/import';

// The characters of Windows-1252 above 0x7f that are not Latin-1's: enough for the names used here.
const CP1252_EXTRA: Record<string, number> = { '€': 0x80, '’': 0x92, Œ: 0x8c, œ: 0x9c, š: 0x9a };
/** Text as Excel's plain "CSV" writes it on a Western European Windows. */
const cp1252 = (text: string) =>
  Buffer.from(
    [...text].map((c) => CP1252_EXTRA[c] ?? (c.codePointAt(0)! <= 0xff ? c.codePointAt(0)! : 0x3f)),
  );
const lines = (...rows: string[]) => `${rows.join('\r\n')}\r\n`;

const SEMICOLON_ROSTER = lines(
  'Member Number;First Name;Last Name;Email;Status',
  '2001;Zoë;Ångström;zoe@example.org;current',
  '2002;François;"Œhlschläger; O’Brien";francois@example.org;',
  '2003;"Renée ""Nené""";Muñoz;renee@example.org;lapsed',
);

function multipart(csrf: string, content: Buffer) {
  const boundary = `----gatehouse${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function signedInAdmin() {
  const admin = await buildLogin(app, { role: 'admin' });
  const b = browser(await app.server());
  await b.logIn(admin.username, admin.password);
  return b;
}

/** Uploads `content` through the import form; the preview page when it was taken, else the refusal. */
async function upload(b: ReturnType<typeof browser>, content: Buffer) {
  const body = multipart(csrfFrom((await b.get(IMPORT)).body), content);
  const res = await (await app.server()).inject({
    method: 'POST',
    url: IMPORT,
    headers: { cookie: b.cookies, 'content-type': body.contentType },
    payload: body.payload,
  });
  if (res.statusCode !== 303) return { status: res.statusCode, page: readPage(res.body), url: '' };
  const url = res.headers.location as string;
  return { status: 303, page: readPage((await b.get(url)).body), url };
}

/** The preview's "How the file was read", as [term, description] pairs. */
const howRead = (page: Page) => {
  const list = page.inside(page.getByRole('region', { name: 'How the file was read' }));
  const terms = list.getAllByRole('term').map((e) => e.textContent);
  const details = list.getAllByRole('definition').map((e) => e.textContent);
  return terms.map((t, i) => [t, details[i]]);
};

const namesOf = async (numbers: string[]) =>
  (await app.deps.db.select().from(members).where(inArray(members.memberNumber, numbers)))
    .sort((a, b) => a.memberNumber.localeCompare(b.memberNumber))
    .map((m) => [m.memberNumber, m.firstName, m.lastName, m.email, m.status]);

const EXPECTED = [
  ['2001', 'Zoë', 'Ångström', 'zoe@example.org', 'current'],
  ['2002', 'François', 'Œhlschläger; O’Brien', 'francois@example.org', 'current'],
  ['2003', 'Renée "Nené"', 'Muñoz', 'renee@example.org', 'lapsed'],
];

describe('Import members: files from real spreadsheets', () => {
  it('imports an Excel semicolon CSV in Windows-1252, saying in the preview how it was read', async () => {
    const b = await signedInAdmin();
    const { status, page, url } = await upload(b, cp1252(SEMICOLON_ROSTER));
    expect(status, page.text).toBe(303);
    expect(howRead(page)).toEqual([
      ['Encoding', 'Windows-1252 (Western European, as older Excel saves "CSV")'],
      ['Fields separated by', 'semicolons (;)'],
    ]);
    expect(page.text).toContain('3 To be added');
    expect((await b.submit(url, `${url}/apply`, {})).statusCode).toBe(303);
    expect(await namesOf(['2001', '2002', '2003'])).toEqual(EXPECTED);
  });

  it('reads UTF-8 with a BOM and tab-separated fields, and plain UTF-8 with commas as before', async () => {
    const b = await signedInAdmin();
    const tabs = `\uFEFF${SEMICOLON_ROSTER.replaceAll(';', '\t').replace('Œhlschläger\t', 'Œhlschläger;')}`;
    const withBom = await upload(b, Buffer.from(tabs, 'utf8'));
    expect(howRead(withBom.page)).toEqual([
      ['Encoding', 'UTF-8 with a byte order mark (BOM)'],
      ['Fields separated by', 'tabs'],
    ]);
    expect((await b.submit(withBom.url, `${withBom.url}/apply`, {})).statusCode).toBe(303);
    expect(await namesOf(['2001', '2002', '2003'])).toEqual(EXPECTED);

    const commas = lines('member_number,first_name,last_name,email', '2004,Élodie,Dupré,e@example.org');
    const plain = await upload(b, Buffer.from(commas, 'utf8'));
    expect(howRead(plain.page)).toEqual([
      ['Encoding', 'UTF-8'],
      ['Fields separated by', 'commas (,)'],
    ]);
    expect(plain.page.text).toContain('1 To be added');
  });

  it('names the missing column of a semicolon header, and the lines of bad rows', async () => {
    const b = await signedInAdmin();
    const noEmail = await upload(b, cp1252(lines('member_number;first_name;last_name', '1;Zoë;A')));
    expect(noEmail.status).toBe(400);
    expect(noEmail.page.errorFor('Roster file (CSV)')).toContain(
      'Line 1: the header is missing the column email',
    );
    const badRow = lines(
      'member_number;first_name;last_name;email',
      '',
      '1;Zoë;A;not-an-email',
      '2;B;C;b@x.org',
    );
    const preview = await upload(b, cp1252(badRow));
    const problems = preview.page.inside(preview.page.getByRole('region', { name: 'Problems' })).tableRows();
    expect(problems.map((row) => row[0])).toEqual(['3']);
  });

  it('still refuses a spreadsheet file that is not CSV', async () => {
    const b = await signedInAdmin();
    const xlsx = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xe9, 0xff]);
    const refused = await upload(b, xlsx);
    expect(refused.status).toBe(400);
    expect(refused.page.errorFor('Roster file (CSV)')).toContain('This is not a CSV file');
  });
});

describe('How a roster file is read (deterministic)', () => {
  it('is UTF-8 when the bytes are, even with a character across the megabyte pieces; else Windows-1252', async () => {
    for (const before of [1024 * 1024 - 1, 1024 * 1024 - 2, 1024 * 1024 - 3]) {
      const bytes = Buffer.concat([Buffer.alloc(before, 'a'), Buffer.from('€ü', 'utf8'), Buffer.from('a')]);
      expect(await detectRosterEncoding(bytes)).toBe('utf-8');
    }
    const lateBadByte = Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 'a'), Buffer.from([0xe9])]);
    expect(await detectRosterEncoding(lateBadByte)).toBe('windows-1252');
    expect(await detectRosterEncoding(Buffer.from('\uFEFFa,b', 'utf8'))).toBe('utf-8-bom');
    // A BOM is not part of the text.
    expect((await decodeRosterBytes(Buffer.from('\uFEFFa;b', 'utf8'))).text).toBe('a;b');
    // Windows-1252's own characters at 0x80–0x9f, not Latin-1's control characters there.
    const high = Buffer.from([0x80, 0x84, 0x85, 0x8a, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9f, 0xe9]);
    expect((await decodeRosterBytes(high)).text).toBe('€„…Š‘’“”–—™Ÿé');
  });

  it('takes the delimiter that splits the header into the expected columns, comma on a tie', async () => {
    const parsed = async (text: string) => (await parseRosterCsv(text)).delimiter;
    expect(await parsed('member_number;first_name;last_name;email\n1;A;B;a@b.org\n')).toBe(';');
    // Commas inside the names of a semicolon header do not make it a comma file.
    expect(await parsed('"member_number";"first_name";"last_name";"email, work"\n1;A;B;a@b.org\n')).toBe(';');
    expect(await parsed('\n\nmember_number\tfirst_name\tlast_name\temail\n1\tA\tB\ta@b.org\n')).toBe('\t');
    expect(await parsed('member_number,first_name,last_name,email;x\n1,A,B,a@b.org\n')).toBe(',');
    // The header in a later piece than the first: the pieces read to find it are read again.
    const pieces = ['\r\n', 'member_num', 'ber;first_name;last_name;email\r', '\n1;A;B;a@b.org\r\n'];
    const roster = await parseRosterCsv(pieces);
    expect([roster.delimiter, roster.valid.memberNumber, roster.valid.line]).toEqual([';', ['1'], [3]]);
  });
});

describe.skipIf(inPostgresSuite)(
  `gatehouse members import (${EMBEDDED_DATA_DIR_ONLY})`,
  { timeout: 120_000 },
  () => {
    it('reads a Windows-1252 semicolon file as the upload page does', async () => {
      const DATA_DIR = migratedDataDir();
      try {
        const ansi = path.join(DATA_DIR, 'excel.csv');
        const utf8 = path.join(DATA_DIR, 'utf8.csv');
        writeFileSync(ansi, cp1252(SEMICOLON_ROSTER));
        writeFileSync(utf8, SEMICOLON_ROSTER.replaceAll(';', ',').replace('Œhlschläger,', 'Œhlschläger;'));
        const first = await runCli(['members', 'import', ansi], { DATA_DIR });
        expect(first.stdout + first.stderr).toContain('Imported 3 rows: 3 added');
        // The same names in UTF-8 change nothing: the Windows-1252 file was read to the same letters.
        const again = await runCli(['members', 'import', utf8], { DATA_DIR });
        expect(again.stdout + again.stderr).toContain('0 added, 0 updated, 3 unchanged');
      } finally {
        rmSync(DATA_DIR, { recursive: true, force: true });
      }
    });
  },
);
