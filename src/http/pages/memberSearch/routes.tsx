import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { parseMemberSearchQuery } from '../../../domain/members/memberSearchQuery.ts';
import { searchMembers } from '../../../domain/members/searchMembers.ts';
import { isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import { MEMBER_SEARCH_PATH } from './links.ts';
import { MemberSearchPage, type MemberSearchView } from './MemberSearchPage.tsx';

type Raw = Record<string, unknown>;

const text = (raw: Raw, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : '';
};

const FORM_FIELDS = new Set(['search', 'status', 'login']);

/** Admin > Member Search: find a member by name, email, member number or username, and open their profile. */
export function registerMemberSearchRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: Raw }>(
    MEMBER_SEARCH_PATH,
    { config: { access: 'members.read' } },
    async (request, reply) => {
      const raw = request.query ?? {};
      const view: MemberSearchView = {
        ctx: pageContext(app, request, reply),
        values: { search: text(raw, 'search'), status: text(raw, 'status'), login: text(raw, 'login') },
        result: null,
      };
      try {
        const query = parseMemberSearchQuery(raw);
        const found = await searchMembers(app.deps, actorOf(request), query);
        view.result = { query, found };
      } catch (error) {
        if (!isAppError(error) || error.code !== 'validation') throw error;
        const field = error.field && FORM_FIELDS.has(error.field) ? error.field : '_form';
        view.errors = { [field]: error.message };
        return sendPage(reply, <MemberSearchPage view={view} />, 400);
      }
      return sendPage(reply, <MemberSearchPage view={view} />);
    },
  );
}
