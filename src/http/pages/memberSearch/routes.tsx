import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { type MemberSearchQuery, memberSearchInput } from '../../../domain/members/memberSearchQuery.ts';
import { searchMembers } from '../../../domain/members/searchMembers.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { MemberSearchPage } from './MemberSearchPage.tsx';

/** The search form's fields; other refusals (an edited page link) are shown over the form. */
const fields = ['search', 'status', 'login'];

/** The page: the results when the query was read, only its errors when it was refused. */
async function view(r: Req<unknown>, shown: { query?: MemberSearchQuery; refused?: Refusal }) {
  // The form shows what was asked for, even a value that was refused, so it can be corrected.
  const { search = '', status = '', login = '' } = r.typed;
  const values = { search, status, login };
  const { query } = shown;
  const result = query ? { query, found: await searchMembers(r.deps, r.actor, query) } : null;
  return <MemberSearchPage view={{ ctx: r.ctx(), values, result, errors: shown.refused?.errors }} />;
}

/** Admin > Member Search: find a member by name, email, member number or username, and open their profile. */
export function registerMemberSearchRoutes(server: FastifyInstance, app: App): void {
  const { page } = routeKit(server, app);
  page({ path: paths.memberSearch, access: 'members.read', query: memberSearchInput, fields, view });
}
