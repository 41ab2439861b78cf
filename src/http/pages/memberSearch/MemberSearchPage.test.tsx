import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { readPage } from '../../../../tests/page.ts';
import type { MemberSearchResult } from '../../../domain/members/searchMembers.ts';
import { MemberSearchPage, type MemberSearchView } from './MemberSearchPage.tsx';

const found = (over: Partial<MemberSearchResult> = {}): MemberSearchResult => ({
  rows: [],
  mode: 'list',
  next: null,
  prev: null,
  page: 1,
  hasNextPage: false,
  capped: false,
  rosterEmpty: false,
  ...over,
});

const view = (over: Partial<MemberSearchView> = {}): MemberSearchView => ({
  ctx: {
    orgName: 'Test Org',
    csrfToken: 'token',
    passwordMinLength: 12,
    publicUrl: 'http://portal.test',
    user: { username: 'admin', firstName: 'Ada', role: 'admin' },
  },
  values: { search: '', status: '', login: '' },
  result: { query: {}, found: found() },
  ...over,
});

describe('Member Search view', () => {
  it('says where to import members when the roster is empty', () => {
    const page = readPage(
      renderToString(
        <MemberSearchPage view={view({ result: { query: {}, found: found({ rosterEmpty: true }) } })} />,
      ),
    );
    expect(page.text).toContain(
      'The roster is empty. Import members under Member Management › Import members.',
    );
    expect(page.getByText('The roster is empty.').tagName).toBe('STRONG');
    expect(page.inside(page.getByRole('main')).link('Member Management')).toBe('/admin/member-management');
  });

  it('says when nothing matches, with a way back', () => {
    const page = readPage(
      renderToString(
        <MemberSearchPage
          view={view({ result: { query: { search: 'zz' }, found: found({ mode: 'search' }) } })}
        />,
      ),
    );
    expect(page.text).toContain('No members match your search and filters.');
    expect(page.link('Clear the search')).toBe('/admin/members');
  });

  it('shows a row per member: name linked to the profile, username or a dash, Last Login', () => {
    const page = readPage(
      renderToString(
        <MemberSearchPage
          view={view({
            result: {
              query: { search: 'smith' },
              found: found({
                mode: 'search',
                hasNextPage: true,
                rows: [
                  {
                    id: 7,
                    memberNumber: 'M7',
                    firstName: 'John',
                    lastName: 'Smith',
                    email: 'js@example.org',
                    status: 'lapsed',
                    username: null,
                    lastLoginAt: null,
                  },
                ],
              }),
            },
          })}
        />,
      ),
    );
    page.getByRole('rowheader', { name: 'John Smith' });
    expect(page.link('John Smith')).toBe('/admin/members/7');
    page.getByRole('columnheader', { name: 'Last Login' });
    expect(page.tableRows()).toEqual([['M7', 'John Smith', 'js@example.org', 'Lapsed', '—', '—']]);
    expect(page.text).toContain('Showing the 1 best matches');
    expect(page.link('Previous page')).toBeNull();
    expect(page.link('Next page')).toBe('/admin/members?search=smith&page=2');
  });
});
