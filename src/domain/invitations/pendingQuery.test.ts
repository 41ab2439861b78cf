import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parsePendingQuery } from './pendingQuery.ts';
import { exactNumberCandidates, searchPatterns } from './pendingSearch.ts';

const refusal = (raw: Record<string, unknown>) => {
  try {
    parsePendingQuery(raw);
  } catch (e) {
    return e as { code: string; field: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('parsePendingQuery', () => {
  it('defaults to name order, ascending, with no filters', () => {
    expect(parsePendingQuery({})).toEqual({ sort: 'name', dir: 'asc' });
    expect(parsePendingQuery({ search: '  ', status: 'any', invited: 'any', sentBefore: '' })).toEqual({
      sort: 'name',
      dir: 'asc',
    });
  });

  it('reads every filter and the sort from the query string', () => {
    expect(
      parsePendingQuery({
        search: ' Smith ',
        status: 'lapsed',
        invited: 'invited',
        sentBefore: '2026-01-31',
        deliveryFailed: '1',
        sort: 'lastInvited',
        dir: 'desc',
        after: 'abc',
      }),
    ).toEqual({
      search: 'Smith',
      status: 'lapsed',
      invited: 'invited',
      sentBefore: new Date('2026-01-31T00:00:00Z'),
      deliveryFailed: true,
      sort: 'lastInvited',
      dir: 'desc',
      after: 'abc',
    });
  });

  it('names the field of each bad value', () => {
    expect(refusal({ sort: 'password' })).toMatchObject({ code: 'validation', field: 'sort' });
    expect(refusal({ dir: 'sideways' })).toMatchObject({ field: 'dir' });
    expect(refusal({ status: 'gone' })).toMatchObject({ field: 'status' });
    expect(refusal({ invited: 'maybe' })).toMatchObject({ field: 'invited' });
    expect(refusal({ deliveryFailed: 'perhaps' })).toMatchObject({ field: 'deliveryFailed' });
    expect(refusal({ search: 'x'.repeat(101) })).toMatchObject({ field: 'search' });
    expect(refusal({ sort: ['name', 'email'] })).toMatchObject({ field: 'sort' });
    expect(refusal({ after: 'a', before: 'b' })).toMatchObject({ field: 'after' });
    for (const day of ['2026-02-30', '31/01/2026', '2026-1-5', 'yesterday']) {
      expect(refusal({ sentBefore: day })).toMatchObject({ field: 'sentBefore' });
    }
  });
});

describe('cursors', () => {
  it('round-trip their keys, and only for the sort and direction they were made for', () => {
    const c = encodeCursor('lastInvited', 'asc', ['2026-01-10T10:00:00.123456+00:00', 42]);
    expect(decodeCursor(c, 'lastInvited', 'asc', ['timestamptz', 'int'], 'after')).toEqual([
      '2026-01-10T10:00:00.123456+00:00',
      42,
    ]);
    expect(
      decodeCursor(
        encodeCursor('lastInvited', 'asc', ['-infinity', 1]),
        'lastInvited',
        'asc',
        ['timestamptz', 'int'],
        'after',
      ),
    ).toEqual(['-infinity', 1]);
    expect(() => decodeCursor(c, 'lastInvited', 'desc', ['timestamptz', 'int'], 'after')).toThrow(
      /out of date/,
    );
    expect(() => decodeCursor(c, 'name', 'asc', ['text', 'text', 'int'], 'after')).toThrow(/out of date/);
  });

  it('refuse values of the wrong type before they reach SQL', () => {
    const bad = [
      encodeCursor('lastInvited', 'asc', ['1 day ago', 1]),
      encodeCursor('lastInvited', 'asc', ['2026-01-10T10:00:00Z', 1.5]),
      encodeCursor('lastInvited', 'asc', ['2026-01-10T10:00:00Z', '1']),
      'not base64 json',
      Buffer.from('null').toString('base64url'),
    ];
    for (const c of bad) {
      expect(() => decodeCursor(c, 'lastInvited', 'asc', ['timestamptz', 'int'], 'before')).toThrow(
        expect.objectContaining({ code: 'validation', field: 'before' }),
      );
    }
  });
});

describe('search terms', () => {
  it('match long words anywhere and one- or two-letter words whole, with LIKE wildcards taken literally', () => {
    expect(searchPatterns('  Smith  Jo ')).toEqual(['%Smith%', '% Jo %']);
    expect(searchPatterns('50%_off \\')).toEqual(['%50\\%\\_off%', '% \\\\ %']);
    expect(searchPatterns('')).toEqual([]);
  });

  it('try a member number as typed and in either case', () => {
    expect(exactNumberCandidates(' m1042 ')).toEqual(['m1042', 'M1042']);
    expect(exactNumberCandidates('Jane Smith')).toEqual([]);
  });
});
