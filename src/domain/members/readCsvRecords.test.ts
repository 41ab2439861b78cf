import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, readCsvRecords } from './readCsvRecords.ts';

/** Every record and the break, reading the text whole and also cut into pieces of 1, 2, 3 and 7 characters. */
async function read(csv: string) {
  const results = [];
  for (const size of [Infinity, 1, 2, 3, 7]) {
    const pieces =
      size === Infinity ? csv : Array.from(csv.matchAll(new RegExp(`.{1,${size}}`, 'gsu')), (m) => m[0]);
    const records: CsvRecord[] = [];
    const broken = await readCsvRecords(pieces, (r) => records.push(r));
    results.push({ records, broken });
  }
  // However the text arrives, it reads the same.
  for (const other of results.slice(1)) expect(other).toEqual(results[0]);
  return results[0]!;
}

const lines = async (csv: string) => (await read(csv)).records.map((r) => r.line);

describe('readCsvRecords', () => {
  it('numbers records by the file line they start on, skipping empty lines', async () => {
    expect(await lines('a,b\n1,2\n\n3,4\n')).toEqual([1, 2, 4]);
  });

  it('keeps counting correctly after a quoted field that spans lines, whatever the line endings', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const csv = ['a,b', '"x', 'y",1', '', '2,3'].join(eol);
      const { records } = await read(csv);
      expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
      expect(records[1]?.fields[0]).toBe(`x${eol}y`);
    }
  });

  it('counts an Excel-style file: CRLF rows, LF inside cells', async () => {
    expect(await lines('a,b\r\n"one\ntwo",1\r\n\r\n2,3\r\n')).toEqual([1, 2, 5]);
  });

  it('ignores a byte order mark and counts multi-byte characters correctly', async () => {
    const { records } = await read('\uFEFFa,b\n"Zoë\nÅsa",1\nJosé,2\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['Zoë\nÅsa', '1'] },
      { line: 4, fields: ['José', '2'] },
    ]);
    // csv-parse's byte offsets counted the mark, and numbered the first record line 1 after empty lines.
    expect(await lines('\uFEFF\n\na,b\n1,2\n')).toEqual([3, 4]);
  });

  it('reads commas and doubled quotes inside quoted fields', async () => {
    expect((await read('"Hopper, Jr.","say ""hi"""\n')).records[0]?.fields).toEqual([
      'Hopper, Jr.',
      'say "hi"',
    ]);
  });

  it('reports an unclosed quote at the line of the row it starts in, keeping the rows before it', async () => {
    const { records, broken } = await read('a,b\n1,2\n\n"oops,3\n4,5\n');
    expect(records.map((r) => r.line)).toEqual([1, 2]);
    expect(broken?.line).toBe(4);
    expect(broken?.message).toContain('never closed');
  });

  it('reports a stray quote inside an unquoted field', async () => {
    const { broken } = await read('a,b\n"x\ny",1\nO"Brien,2\n');
    expect(broken).toEqual({ line: 4, message: expect.stringContaining('""') });
  });

  it('numbers lines right across many parser feeds', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},"x\r\ny"`);
    const records: CsvRecord[] = [];
    const broken = await readCsvRecords(`a,b\r\n${rows.join('\r\n')}\r\n`, (r) => records.push(r));
    expect(broken).toBeNull();
    expect(records.at(-1)).toEqual({ line: 2 + 2 * 29_999, fields: ['29999', 'x\r\ny'] });
  });

  // csv-parse read rosters before this scanner; it reads the same records and refuses the same files.
  it('reads what csv-parse reads, and breaks where csv-parse refuses, for files with one kind of line end', async () => {
    const refusal: Record<string, string> = {
      CSV_QUOTE_NOT_CLOSED: 'never closed',
      INVALID_OPENING_QUOTE: 'not at its start',
      CSV_INVALID_CLOSING_QUOTE: 'followed by other characters',
    };
    const file = fc.constantFrom('\n', '\r\n', '\r').chain((eol) =>
      fc
        .array(
          fc.constantFrom('a', 'é', ' ', ',', ';', '"', '""', eol, eol + eol, '"x\r\ny"', '"\n"', '"\r"'),
          {
            maxLength: 30,
          },
        )
        .map((tokens) => tokens.join('')),
    );
    await fc.assert(
      fc.asyncProperty(file, fc.boolean(), async (text, bom) => {
        const csv = bom ? `\uFEFF${text}` : text;
        let expected: string[][] | string;
        try {
          expected = parse(csv, {
            bom: true,
            relax_column_count: true,
            skip_empty_lines: true,
          }) as string[][];
        } catch (e) {
          expected = refusal[(e as { code: string }).code] ?? String(e);
        }
        const { records, broken } = await read(csv);
        if (typeof expected === 'string') expect(broken?.message).toContain(expected);
        else {
          expect(broken).toBeNull();
          expect(records.map((r) => r.fields)).toEqual(expected);
        }
      }),
      { numRuns: 2000, seed: 15 },
    );
  });
});
