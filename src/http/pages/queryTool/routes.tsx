import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { listMemberRoster } from '../../../domain/reports/memberRoster.ts';
import { exportMemberRoster } from '../../../domain/reports/memberRosterCsv.ts';
import { hasRosterFilters, memberRosterInput } from '../../../domain/reports/memberRosterQuery.ts';
import { ValidationErrors } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { sendCsvDownload } from '../../csvDownload.ts';
import { refusalOf, typedValues } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { MemberRosterPage } from './MemberRosterPage.tsx';
import { QueryToolPage } from './QueryToolPage.tsx';
import type { RosterFilterValues } from './RosterFilterForm.tsx';

const access = 'reports.read';
const fields = ['login', 'lastLoginAfter', 'lastLoginBefore', 'deliveryFailed'];

/** The form shows what was asked for, even a value that was refused, so it can be corrected. */
function asked(r: Req<unknown>): RosterFilterValues {
  const v = typedValues(r.request.query);
  return {
    login: v.login ?? '',
    lastLoginAfter: v.lastLoginAfter ?? '',
    lastLoginBefore: v.lastLoginBefore ?? '',
    deliveryFailed: Boolean(v.deliveryFailed),
    sort: v.sort ?? '',
    dir: v.dir ?? '',
  };
}

/** Admin › Query Tool and its Member Roster - Current report (the other reports register their own pages). */
export function registerQueryToolRoutes(server: FastifyInstance, app: App): void {
  routeKit(server, app).page({
    path: paths.queryTool,
    access,
    view: (r) => <QueryToolPage ctx={r.ctx()} />,
  });

  // `?format=csv` on the report's address is the same export as the .csv address: a hook of this scope
  // (after the access check) answers it with the file before the page is made.
  server.register(async (scope) => {
    scope.addHook('preHandler', async (request, reply) => {
      if ((request.query as { format?: unknown }).format === 'csv') return sendCsv(app, request, reply);
    });
    routeKit(scope, app).page({
      path: paths.memberRoster,
      access,
      query: memberRosterInput,
      fields,
      view: async (r, { query: q, refused }) => {
        const view = { ctx: r.ctx(), values: asked(r), errors: refused?.errors };
        if (!q) return <MemberRosterPage view={{ ...view, result: null }} />;
        const page = await listMemberRoster(r.deps, r.actor, q);
        const result = { q, page, filtered: hasRosterFilters(q), paged: Boolean(q.after || q.before) };
        return <MemberRosterPage view={{ ...view, result }} />;
      },
    });
  });

  // The export is a file streamed batch by batch, not a page: a plain route.
  server.get(paths.memberRosterCsv, { config: { access } }, (request, reply) => sendCsv(app, request, reply));
}

/** The export, streamed batch by batch; the query is checked before the first byte leaves. */
async function sendCsv(app: App, request: FastifyRequest, reply: FastifyReply) {
  // A bad filter is refused here, so it becomes a 400 page rather than a broken file.
  const parsed = memberRosterInput.safeParse(request.query ?? {});
  if (!parsed.success) throw new ValidationErrors(refusalOf(parsed.error, {})!.errors);
  const chunks = await exportMemberRoster(app.deps, actorOf(request), parsed.data);
  const day = app.deps.clock.now().toISOString().slice(0, 10);
  return sendCsvDownload(reply, `member-roster-current-${day}.csv`, chunks);
}
