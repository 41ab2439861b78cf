// Issue 12 item 12: search forgives accents and typos; names sort as people expect (Ångström under A).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { PendingQuery } from '../../src/domain/invitationCodes/invitationCodesQuery.ts';
import {
  listPendingMembers,
  type PendingPage,
} from '../../src/domain/invitationCodes/listInvitationCodes.ts';
import { searchMembers } from '../../src/domain/members/searchMembers.ts';
import { type Actor, systemActor } from '../../src/domain/policy.ts';
import { listMemberRoster } from '../../src/domain/reports/memberRoster.ts';
import { buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
const admin: Actor = { ...systemActor('test admin'), role: 'admin' };

const fullName = (m: { firstName: string; lastName: string }) => `${m.firstName} ${m.lastName}`;

/** A few names with accents among plain ones; the member numbers say nothing about the names. */
async function seedNames() {
  const names: [string, string][] = [
    ['Zoë', 'Zimmer'],
    ['Anders', 'Ångström'],
    ['Jürgen', 'Müller'],
    ['José', 'Castillo'],
    ['Ann', 'Adams'],
    ['Bob', 'Baker'],
    ['Émile', 'Dubois'],
    ['Zoe', 'de Vries'],
  ];
  for (const [i, [firstName, lastName]] of names.entries()) {
    await buildMember(app, { firstName, lastName, memberNumber: `N${100 + i}` });
  }
}

const pending = (query: Partial<PendingQuery>) =>
  listPendingMembers(app.deps, admin, { sort: 'name', dir: 'asc', ...query });

/** Every page of a list, following the next cursors; each page's rows and whether it showed close matches. */
async function allPages(query: Partial<PendingQuery>): Promise<PendingPage[]> {
  const pages = [await pending(query)];
  while (pages.at(-1)!.next) pages.push(await pending({ ...query, after: pages.at(-1)!.next! }));
  return pages;
}

describe('search forgives accents', () => {
  it('finds Ångström, José and Müller on Invitation Codes from plain letters, and from accented ones', async () => {
    await seedNames();
    for (const [term, name] of [
      ['Angstrom', 'Anders Ångström'],
      ['angström', 'Anders Ångström'],
      ['jose', 'José Castillo'],
      ['muller', 'Jürgen Müller'],
      ['MÜLLER', 'Jürgen Müller'],
      ['emile dubois', 'Émile Dubois'],
    ]) {
      const page = await pending({ search: term });
      expect(page.rows.map(fullName), term).toEqual([name]);
      expect(page.closeMatches, term).toBe(false);
    }
  });

  it('finds them on Member Search too, with and without a login', async () => {
    await seedNames();
    await buildLogin(app, { username: 'asaoberg' });
    await app.deps.db.execute(
      sql`update members set first_name = 'Åsa', last_name = 'Öberg' where email_lower = 'asaoberg@example.org'`,
    );
    const reader: Actor = { ...systemActor('test reader'), role: 'admin' };
    for (const [term, name] of [
      ['Angstrom', 'Anders Ångström'],
      ['jose', 'José Castillo'],
      ['muller', 'Jürgen Müller'],
      ['asa oberg', 'Åsa Öberg'],
    ]) {
      const result = await searchMembers(app.deps, reader, { search: term });
      expect(result.rows.map(fullName), term).toContain(name);
    }
  });
});

describe('search forgives typos on Invitation Codes', () => {
  it('shows close matches when nobody matches exactly, sorted and paged by name, and says so', async () => {
    await seedNames();
    for (const [firstName, lastName] of [
      ['Carla', 'Castillo'],
      ['Ana', 'Castillo'],
      ['Diego', 'Castillo'],
      ['Pilar', 'Castillo'],
    ]) {
      await buildMember(app, { firstName, lastName });
    }
    const pages = await allPages({ search: 'Castilo', limit: 2 });
    expect(pages.map((p) => p.rows.length)).toEqual([2, 2, 1]);
    expect(pages.every((p) => p.closeMatches)).toBe(true);
    expect(pages.flatMap((p) => p.rows.map(fullName))).toEqual([
      'Ana Castillo',
      'Carla Castillo',
      'Diego Castillo',
      'José Castillo',
      'Pilar Castillo',
    ]);
    // Back from the last page: the same close matches, still in order.
    const back = await pending({ search: 'Castilo', limit: 2, before: pages[2]!.prev! });
    expect(back.closeMatches).toBe(true);
    expect(back.rows.map(fullName)).toEqual(['Diego Castillo', 'José Castillo']);
  });

  it('shows exact matches only when there are some, and nothing close to a term far from every name', async () => {
    await seedNames();
    const exact = await pending({ search: 'castillo' });
    expect(exact.closeMatches).toBe(false);
    expect(exact.rows.map(fullName)).toEqual(['José Castillo']);
    const nothing = await pending({ search: 'qwxyzv' });
    expect(nothing.rows).toEqual([]);
  });
});

// Case and accents ignored: "de Vries" under D, Ångström under A.
describe('names sort as people expect', () => {
  const ORDER = [
    'Ann Adams',
    'Anders Ångström',
    'Bob Baker',
    'José Castillo',
    'Zoe de Vries',
    'Émile Dubois',
    'Jürgen Müller',
    'Zoë Zimmer',
  ];

  it('puts Ångström under A on Invitation Codes, both ways, and across pages', async () => {
    await seedNames();
    const pages = await allPages({ limit: 3 });
    expect(pages.flatMap((p) => p.rows.map(fullName))).toEqual(ORDER);
    const desc = await pending({ dir: 'desc' });
    expect(desc.rows.map(fullName)).toEqual([...ORDER].reverse());
  });

  it('puts Ångström under A on Member Search and Member Roster - Current', async () => {
    await seedNames();
    const listed = await searchMembers(app.deps, admin, {});
    expect(listed.rows.map(fullName)).toEqual(ORDER);
    const roster = await listMemberRoster(app.deps, admin, { sort: 'name', dir: 'asc' });
    expect(roster.rows.map(fullName)).toEqual(ORDER);
  });
});
