import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { auditCsvChunks, csvCell, csvRecord } from './auditCsv.ts';
import type { AuditLogRow } from './auditLog.ts';

describe('csvCell', () => {
  it('leaves plain text alone', () => {
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('')).toBe('');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it.each(['=SUM(A1)', '+1', '-1', '@cmd', '\tx', '\rx'])('prefixes %j with a quote', (value) => {
    expect(parse(csvRecord([value]))[0]?.[0]).toBe(`'${value}`);
  });

  it('quotes commas, quotes and line breaks as RFC 4180 asks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1,"2"')).toBe('"\'=1,""2"""');
  });

  it('ends every record with CRLF and parses back', () => {
    const cells = ['x', 'a, "b"\r\nc', '=evil', ''];
    const record = csvRecord(cells);
    expect(record.endsWith('\r\n')).toBe(true);
    expect(parse(record)).toEqual([['x', 'a, "b"\r\nc', "'=evil", '']]);
  });
});

describe('auditCsvChunks', () => {
  it('writes the header, then one chunk per batch', async () => {
    const row: AuditLogRow = {
      id: 1,
      at: new Date('2026-01-15T09:00:00Z'),
      actorLabel: 'ann',
      actorMemberId: null,
      action: 'invitation.send',
      memberId: 2,
      member: { id: 2, name: 'Ada Lovelace', memberNumber: 'A1' },
      ip: null,
      details: { roundId: 4 },
    };
    async function* batches() {
      yield [row];
      yield [{ ...row, id: 2, details: {} }];
    }
    const chunks: string[] = [];
    for await (const c of auditCsvChunks(batches(), (action) => `words for ${action}`)) chunks.push(c);
    expect(chunks).toHaveLength(3);
    expect(parse(chunks.join(''))).toEqual([
      ['when', 'actor', 'action', 'member_number', 'member_name', 'ip', 'details'],
      [
        '2026-01-15T09:00:00.000Z',
        'ann',
        'words for invitation.send',
        'A1',
        'Ada Lovelace',
        '',
        '{"roundId":4}',
      ],
      ['2026-01-15T09:00:00.000Z', 'ann', 'words for invitation.send', 'A1', 'Ada Lovelace', '', ''],
    ]);
  });
});
