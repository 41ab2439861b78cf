import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { listMemberRoster } from '../../../domain/reports/memberRoster.ts';
import { exportMemberRoster } from '../../../domain/reports/memberRosterCsv.ts';
import { hasRosterFilters, parseRosterQuery } from '../../../domain/reports/memberRosterQuery.ts';
import { isAppError, ValidationErrors } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import { MEMBER_ROSTER_CSV_PATH, MEMBER_ROSTER_PATH, QUERY_TOOL_PATH } from './links.ts';
import { MemberRosterPage, type MemberRosterView } from './MemberRosterPage.tsx';
import { QueryToolPage } from './QueryToolPage.tsx';

type Raw = Record<string, unknown>;

const FORM_FIELDS = new Set(['login', 'lastLoginAfter', 'lastLoginBefore', 'deliveryFailed']);

const text = (raw: Raw, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : '';
};

function fieldErrorsOf(error: unknown): FieldErrors | null {
  if (!isAppError(error) || error.code !== 'validation') return null;
  const fields =
    error instanceof ValidationErrors ? error.fields : { [error.field ?? '_form']: error.message };
  return Object.fromEntries(
    Object.entries(fields).map(([field, message]) => [FORM_FIELDS.has(field) ? field : '_form', message]),
  );
}

/** Admin › Query Tool and its Member Roster - Current report (the other reports register their own pages). */
export function registerQueryToolRoutes(server: FastifyInstance, app: App): void {
  server.get(QUERY_TOOL_PATH, { config: { access: 'reports.read' } }, (request, reply) =>
    sendPage(reply, <QueryToolPage ctx={pageContext(app, request, reply)} />),
  );

  server.get<{ Querystring: Raw }>(
    MEMBER_ROSTER_PATH,
    { config: { access: 'reports.read' } },
    async (request, reply) => {
      const raw = request.query ?? {};
      // `?format=csv` is the same export as the .csv address.
      if (text(raw, 'format') === 'csv') return sendCsv(app, request, reply);
      // The form shows what was asked for, even a value that was refused, so it can be corrected.
      const view: MemberRosterView = {
        ctx: pageContext(app, request, reply),
        values: {
          login: text(raw, 'login'),
          lastLoginAfter: text(raw, 'lastLoginAfter'),
          lastLoginBefore: text(raw, 'lastLoginBefore'),
          deliveryFailed: text(raw, 'deliveryFailed') !== '',
          sort: text(raw, 'sort'),
          dir: text(raw, 'dir'),
        },
        result: null,
      };
      try {
        const q = parseRosterQuery(raw);
        const page = await listMemberRoster(app.deps, actorOf(request), q);
        view.result = { q, page, filtered: hasRosterFilters(q), paged: Boolean(q.after || q.before) };
        return sendPage(reply, <MemberRosterPage view={view} />);
      } catch (error) {
        const errors = fieldErrorsOf(error);
        if (!errors) throw error;
        view.errors = errors;
        return sendPage(reply, <MemberRosterPage view={view} />, 400);
      }
    },
  );

  server.get<{ Querystring: Raw }>(
    MEMBER_ROSTER_CSV_PATH,
    { config: { access: 'reports.read' } },
    (request, reply) => sendCsv(app, request, reply),
  );
}

/** The export, streamed batch by batch; the query is checked before the first byte leaves. */
async function sendCsv(app: App, request: FastifyRequest<{ Querystring: Raw }>, reply: FastifyReply) {
  // A bad filter is thrown here, so it becomes a 400 page rather than a broken file.
  const query = parseRosterQuery(request.query ?? {});
  const chunks = await exportMemberRoster(app.deps, actorOf(request), query);
  const day = app.deps.clock.now().toISOString().slice(0, 10);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="member-roster-current-${day}.csv"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(chunks));
}
