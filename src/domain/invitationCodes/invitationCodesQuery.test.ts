import { describe, expect, it } from 'vitest';
import { checkPendingQuery, type PendingQuery, pendingQueryInput } from './invitationCodesQuery.ts';
import { exactNumberCandidates, searchPatterns } from './invitationCodesSearch.ts';
import { pendingKeyset } from './invitationCodesSql.ts';

/** The refusal of a query string: the field it names and what it says there. */
const refusal = (raw: Record<string, unknown>) => {
  const parsed = pendingQueryInput.safeParse(raw);
  if (parsed.success) throw new Error('expected a refusal');
  const issue = parsed.error.issues[0]!;
  return { field: issue.path[0], message: issue.message };
};

describe('pendingQueryInput', () => {
  it('defaults to name order, ascending, with no filters', () => {
    expect(pendingQueryInput.parse({})).toStrictEqual({ sort: 'name', dir: 'asc' });
    expect(
      pendingQueryInput.parse({ search: '  ', status: 'any', invited: 'any', sentBefore: '' }),
    ).toStrictEqual({ sort: 'name', dir: 'asc' });
  });

  it('reads every filter and the sort from the query string', () => {
    expect(
      pendingQueryInput.parse({
        search: ' Smith ',
        status: 'lapsed',
        invited: 'invited',
        sentBefore: '2026-01-31',
        deliveryFailed: '1',
        sort: 'lastInvited',
        dir: 'desc',
        after: 'abc',
      }),
    ).toStrictEqual({
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

  it('names the field of each bad value, with the words the page shows', () => {
    expect(refusal({ sort: 'password' })).toEqual({
      field: 'sort',
      message: 'Sort by one of: name, memberNumber, email, lastInvited, invitationsSent.',
    });
    expect(refusal({ dir: 'sideways' })).toEqual({
      field: 'dir',
      message: 'The sort direction must be asc or desc.',
    });
    expect(refusal({ status: 'gone' })).toEqual({
      field: 'status',
      message: 'Status must be Any, Current or Lapsed.',
    });
    expect(refusal({ invited: 'maybe' })).toEqual({
      field: 'invited',
      message: 'Invited must be Any, Never invited or Invited.',
    });
    expect(refusal({ deliveryFailed: 'perhaps' })).toEqual({
      field: 'deliveryFailed',
      message: 'Delivery failed only is either ticked or not.',
    });
    expect(refusal({ search: 'x'.repeat(101) })).toEqual({
      field: 'search',
      message: 'Search for at most 100 characters.',
    });
    expect(refusal({ sort: ['name', 'email'] })).toEqual({
      field: 'sort',
      message: 'Give "sort" only once.',
    });
    expect(refusal({ after: 'a', before: 'b' })).toEqual({
      field: 'after',
      message: 'Ask for the page after a point or before it, not both.',
    });
    for (const day of ['2026-02-30', '31/01/2026', '2026-1-5', 'yesterday']) {
      expect(refusal({ sentBefore: day })).toEqual({
        field: 'sentBefore',
        message: 'Enter the date as year-month-day, for example 2026-01-31.',
      });
    }
  });

  it('is the check of queries built in code too, plus the page size', () => {
    const check = (q: Partial<PendingQuery>) => {
      try {
        checkPendingQuery({ sort: 'name', dir: 'asc', ...q } as PendingQuery);
      } catch (e) {
        return e as { code: string; field: string };
      }
      return null;
    };
    expect(check({ search: 'Smith', sentBefore: new Date('2026-01-31T12:00:00Z'), limit: 200 })).toBeNull();
    expect(check({ sort: 'password' as 'name' })).toMatchObject({ code: 'validation', field: 'sort' });
    expect(check({ dir: 'up' as 'asc' })).toMatchObject({ code: 'validation', field: 'dir' });
    expect(check({ sentBefore: new Date('nope') })).toMatchObject({ field: 'sentBefore' });
    expect(check({ search: 'x'.repeat(101) })).toMatchObject({ field: 'search' });
    expect(check({ after: 'a', before: 'b' })).toMatchObject({ field: 'after' });
    for (const limit of [0, 201, 1.5]) expect(check({ limit })).toMatchObject({ field: 'limit' });
  });
});

describe('cursors', () => {
  // A cursor is the keyset engine's: what matters here is that each sort and direction is its own scope.
  const cursorOf = async (sort: PendingQuery['sort'], dir: PendingQuery['dir'], key: (string | number)[]) => {
    const page = await pendingKeyset(sort, dir).page({}, 1, async () => [
      { cursor: JSON.stringify(key) },
      { cursor: JSON.stringify(key) },
    ]);
    return page.next!;
  };
  const decodes = async (cursor: string, sort: PendingQuery['sort'], dir: PendingQuery['dir']) =>
    pendingKeyset(sort, dir).page({ after: cursor }, 1, async () => []);

  it('are accepted only for the sort and direction they were made for', async () => {
    const c = await cursorOf('lastInvited', 'asc', ['2026-01-10T10:00:00.123456Z', 42]);
    await expect(decodes(c, 'lastInvited', 'asc')).resolves.toMatchObject({ rows: [] });
    await expect(
      decodes(await cursorOf('lastInvited', 'asc', ['-infinity', 1]), 'lastInvited', 'asc'),
    ).resolves.toBeDefined();
    await expect(decodes(c, 'lastInvited', 'desc')).rejects.toThrow(/out of date/);
    await expect(decodes(c, 'name', 'asc')).rejects.toThrow(/out of date/);
  });

  it('refuse values of the wrong type before they reach SQL', async () => {
    const bad = [
      await cursorOf('lastInvited', 'asc', ['1 day ago', 1]),
      await cursorOf('lastInvited', 'asc', ['2026-01-10T10:00:00.000000Z', 1.5]),
      await cursorOf('lastInvited', 'asc', ['2026-01-10T10:00:00.000000Z', '1']),
      'not base64 json',
      Buffer.from('null').toString('base64url'),
    ];
    for (const c of bad) {
      await expect(
        pendingKeyset('lastInvited', 'asc').page({ before: c }, 1, async () => []),
      ).rejects.toThrow(expect.objectContaining({ code: 'validation', field: 'before' }));
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
