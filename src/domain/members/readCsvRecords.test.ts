import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './readCsvRecords.ts';

const lines = (csv: string) => readCsvRecords(csv).records.map((r) => r.line);

describe('readCsvRecords', () => {
  it('numbers records by the file line they start on, skipping empty lines', () => {
    expect(lines('a,b\n1,2\n\n3,4\n')).toEqual([1, 2, 4]);
  });

  it('keeps counting correctly after a quoted field that spans lines, whatever the line endings', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const csv = ['a,b', '"x', 'y",1', '', '2,3'].join(eol);
      const { records } = readCsvRecords(csv);
      expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
      expect(records[1]?.fields[0]).toBe(`x${eol}y`);
    }
  });

  it('counts an Excel-style file: CRLF rows, LF inside cells', () => {
    expect(lines('a,b\r\n"one\ntwo",1\r\n\r\n2,3\r\n')).toEqual([1, 2, 5]);
  });

  it('ignores a byte order mark and counts multi-byte characters correctly', () => {
    const { records } = readCsvRecords('\uFEFFa,b\n"Zoë\nÅsa",1\nJosé,2\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['Zoë\nÅsa', '1'] },
      { line: 4, fields: ['José', '2'] },
    ]);
  });

  it('reads commas and doubled quotes inside quoted fields', () => {
    expect(readCsvRecords('"Hopper, Jr.","say ""hi"""\n').records[0]?.fields).toEqual([
      'Hopper, Jr.',
      'say "hi"',
    ]);
  });

  it('reports an unclosed quote at the line of the row it starts in, keeping the rows before it', () => {
    const { records, broken } = readCsvRecords('a,b\n1,2\n\n"oops,3\n4,5\n');
    expect(records.map((r) => r.line)).toEqual([1, 2]);
    expect(broken?.line).toBe(4);
    expect(broken?.message).toContain('never closed');
  });

  it('reports a stray quote inside an unquoted field', () => {
    const { broken } = readCsvRecords('a,b\n"x\ny",1\nO"Brien,2\n');
    expect(broken).toEqual({ line: 4, message: expect.stringContaining('""') });
  });
});
