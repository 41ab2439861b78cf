import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
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
    const html = renderToString(
      <MemberSearchPage view={view({ result: { query: {}, found: found({ rosterEmpty: true }) } })} />,
    );
    expect(html).toContain('<strong>The roster is empty.</strong> Import members under');
    expect(html).toContain('Member Management</a> › Import members.');
  });

  it('says when nothing matches, with a way back', () => {
    const html = renderToString(
      <MemberSearchPage
        view={view({ result: { query: { search: 'zz' }, found: found({ mode: 'search' }) } })}
      />,
    );
    expect(html).toContain('No members match your search and filters.');
    expect(html).toContain('<a href="/admin/members">Clear the search</a>');
  });

  it('shows a row per member: name linked to the profile, username or a dash, Last Login', () => {
    const html = renderToString(
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
    );
    expect(html).toContain('<a href="/admin/members/7">John Smith</a>');
    expect(html).toContain('<th scope="col">Last Login</th>');
    expect(html).toContain('<td>Lapsed</td><td>—</td><td>—</td>');
    expect(html).toContain('Showing the 1 best matches');
    expect(html).toContain('<a href="/admin/members?search=smith&amp;page=2">Next page</a>');
  });
});
