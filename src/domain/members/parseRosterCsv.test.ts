import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { parseRosterCsv } from './parseRosterCsv.ts';
import { peekHeaderLine } from './rosterDelimiter.ts';

const HEADER = 'member_number,first_name,last_name,email,status';
const csv = (...rows: string[]) => `${rows.join('\n')}\n`;
const LONG_LINE = 3 * 1024 * 1024;

describe('parseRosterCsv', () => {
  it('reads valid rows into columns, cleaning values as memberFields does', async () => {
    const parsed = await parseRosterCsv(
      csv(
        HEADER,
        ' 1001 , Ada ,Lovelace, Ada@Example.org ,LAPSED',
        '1002,Grace,"Hopper, Jr.",g@example.org,',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.totalRows).toBe(2);
    expect(parsed.valid).toEqual({
      line: [2, 3],
      memberNumber: ['1001', '1002'],
      firstName: ['Ada', 'Grace'],
      lastName: ['Lovelace', 'Hopper, Jr.'],
      email: ['Ada@Example.org', 'g@example.org'],
      status: ['lapsed', 'current'],
    });
  });

  it('takes header names in any order and any case; status is optional; unknown columns are ignored', async () => {
    const parsed = await parseRosterCsv(
      csv('Email,NOTES,Last_Name,First Name,MEMBER_NUMBER', 'a@b.org,"x,\ny",L,F,7'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.valid.memberNumber).toEqual(['7']);
    expect(parsed.valid.firstName).toEqual(['F']);
    expect(parsed.valid.status).toEqual(['current']);
  });

  it('names every missing required column in one problem on line 1, and reads no rows', async () => {
    const parsed = await parseRosterCsv(csv('member_number,first_name,status', '1,A,current'));
    expect(parsed.problems).toEqual([
      { line: 1, message: expect.stringContaining('missing the columns last_name, email') },
    ]);
    expect(parsed.fileProblem).toBe(parsed.problems[0]);
    expect(parsed.valid.memberNumber).toEqual([]);
  });

  it('refuses a header that names a column twice', async () => {
    expect(
      (await parseRosterCsv(csv(`${HEADER},email`, '1,A,B,a@b.org,current,c@d.org'))).fileProblem,
    ).toEqual({
      line: 1,
      message: 'the header has more than one email column',
    });
  });

  it('gives one problem per invalid row with every reason, and the right line after multi-line fields', async () => {
    const parsed = await parseRosterCsv(
      csv(
        'member_number,first_name,last_name,email,status,notes',
        '1,Ada,Lovelace,ada@example.org,current,"two',
        'lines"',
        '2,,Hopper,not-an-email,current,',
        '',
        '3,Alan,Turing,alan@example.org,retired,',
        '4,Short,Row',
      ),
    );
    expect(parsed.totalRows).toBe(4);
    expect(parsed.valid.memberNumber).toEqual(['1']);
    expect(parsed.problems).toEqual([
      { line: 4, message: 'First name is required; Email "not-an-email" is not a valid address' },
      { line: 6, message: 'Status "retired" must be current or lapsed' },
      { line: 7, message: 'has 3 fields but the header has 6; Email is required' },
    ]);
  });

  it('reports a repeated member number on the later line, naming the earlier one', async () => {
    const parsed = await parseRosterCsv(csv(HEADER, '1,A,B,a@b.org,', '2,C,D,c@d.org,', '1,E,F,e@f.org,'));
    expect(parsed.valid.memberNumber).toEqual(['1', '2']);
    expect(parsed.problems).toEqual([{ line: 4, message: 'Member number "1" is also on line 2' }]);
  });

  it('skips blank lines and rows of empty fields without counting them', async () => {
    const parsed = await parseRosterCsv(
      `\uFEFF${HEADER}\r\n\r\n1,A,B,a@b.org,\r\n,,,,\r\n   \r\n2,C,D,c@d.org,\r\n`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.totalRows).toBe(2);
  });

  it('allows several members to share one email address', async () => {
    const parsed = await parseRosterCsv(csv(HEADER, '1,A,B,family@x.org,', '2,C,B,FAMILY@x.org,'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.valid.email).toEqual(['family@x.org', 'FAMILY@x.org']);
  });

  it('turns broken CSV into a file problem at the line where it broke', async () => {
    const parsed = await parseRosterCsv(csv(HEADER, '1,A,B,a@b.org,', '2,"C,D,c@d.org,', '3,E,F,e@f.org,'));
    expect(parsed.fileProblem).toEqual({ line: 3, message: expect.stringContaining('never closed') });
  });

  it('checks only the file when asked (the upload): the same verdict, counts and separator, no rows kept', async () => {
    const files = [
      csv(HEADER, '1,A,B,a@b.org,', '1,A,B,bad,', '2,"C,D,c@d.org,'), // a bad row, then broken CSV
      csv('member_number;first_name;last_name;email', '1;A;B;a@b.org', '2;;B;b@b.org'), // a bad row only
      csv('member_number,first_name', '1,A'), // the header is missing columns
    ];
    for (const text of files) {
      const whole = await parseRosterCsv(text);
      const fileOnly = await parseRosterCsv(text, { fileOnly: true });
      expect(fileOnly.fileProblem).toEqual(whole.fileProblem);
      expect(fileOnly.delimiter).toBe(whole.delimiter);
      expect(fileOnly.totalRows).toBe(whole.totalRows);
      expect(fileOnly.valid.line).toEqual([]);
      expect(fileOnly.problems).toEqual(whole.fileProblem ? [whole.fileProblem] : []);
    }
    for (const text of ['', `${HEADER}\n`]) {
      await expect(parseRosterCsv(text, { fileOnly: true })).rejects.toThrow(AppError);
    }
  });

  it('refuses an empty file, a header without rows, and binary data', async () => {
    for (const text of ['', '\n\n', '\uFEFF', `${HEADER}\n`, 'PK\u0003\u0004\u0000\u0000']) {
      await expect(parseRosterCsv(text)).rejects.toThrow(AppError);
    }
  });

  it('reads a file that arrives in pieces as it reads the whole, and refuses binary data in a later piece', async () => {
    const whole = csv(HEADER, '1,Ada,"Love\nlace",a@b.org,', '2,Zoë,Å,z@b.org,lapsed', '2,X,Y,x@y.org,');
    const pieces = Array.from(whole.matchAll(/.{1,5}/gsu), (m) => m[0]);
    expect(await parseRosterCsv(pieces)).toEqual(await parseRosterCsv(whole));
    await expect(parseRosterCsv([...pieces, 'x\u0000'])).rejects.toThrow('binary data');
  });

  // A megabytes-long line (a binary-ish or wrong file) used to take the event loop for hours: a regex that
  // looked for the header's line break from every character, and a parser buffer copied whole per feed.
  it('refuses a line longer than any roster row, naming it, without reading on', async () => {
    const endless = 'ÿ'.repeat(LONG_LINE);
    const first = await parseRosterCsv(endless);
    expect(first.fileProblem).toEqual({ line: 1, message: expect.stringContaining('longer than') });
    const later = await parseRosterCsv(
      csv(HEADER, '1,A,B,a@b.org,', `2,"${endless}",B,b@b.org,`, '3,C,D,c@d.org,'),
    );
    expect(later.fileProblem).toEqual({ line: 3, message: expect.stringContaining('longer than') });
    expect(later.totalRows).toBe(1);
  });
});

describe('peekHeaderLine', () => {
  // An upload arrives in pieces of a megabyte. A first piece without a line break (a binary-ish or wrong
  // file) was handed on whole as the header line, and trying it with each delimiter held the event loop
  // for seconds (bench/upload-latency.ts: /login waited 2.7 s during a refused 99 MB upload).
  it('hands on at most 64 KB of a first line without a break, however large the pieces', async () => {
    const megabyte = 'ÿ'.repeat(1024 * 1024);
    const { headerLine, text } = await peekHeaderLine([megabyte, megabyte]);
    // Lengths and flags, not the strings: a failure must not print megabytes.
    expect(headerLine.length).toBe(64 * 1024);
    expect(megabyte.startsWith(headerLine)).toBe(true);
    let replayed = '';
    for await (const piece of text) replayed += piece;
    expect(replayed === megabyte + megabyte).toBe(true);
  });
});
