import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import {
  type InvitationRoundsQuery,
  invitationRoundsQuery,
  listInvitationRounds,
} from '../../../domain/reports/invitationRounds.ts';
import { responseCurves } from '../../../domain/reports/responseCurves.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { InvitationRoundsPage } from './InvitationRoundsPage.tsx';

/**
 * The rounds of one kind (or all), a page of them; the response curves sit above the first page only, so
 * paging through old rounds does not recount them. After a refusal, the message and no rounds.
 */
async function view(r: Req<unknown>, shown: { query?: InvitationRoundsQuery; refused?: Refusal }) {
  const { query, refused } = shown;
  const ctx = r.ctx();
  const smtpConfigured = Boolean(r.deps.config.smtpUrl);
  if (!query)
    return <InvitationRoundsPage view={{ ctx, kind: '', smtpConfigured, errors: refused?.errors }} />;
  const { position } = query;
  const opening = !position.after && !position.before;
  const [page, curves] = await Promise.all([
    listInvitationRounds(r.deps, r.actor, { kind: query.kind }, position),
    opening ? responseCurves(r.deps, r.actor) : undefined,
  ]);
  // Paging back to the start ("Newer rounds") arrives at the first page too.
  const shownCurves = curves ?? (page.prev === null ? await responseCurves(r.deps, r.actor) : undefined);
  const kind = query.kind ?? '';
  return <InvitationRoundsPage view={{ ctx, kind, smtpConfigured, page, curves: shownCurves }} />;
}

/** Query Tool › Invitation Rounds: each round's delivery and the logins created since, with response curves. */
export function registerInvitationRoundsRoutes(server: FastifyInstance, app: App): void {
  const { page } = routeKit(server, app);
  page({
    path: paths.invitationRounds,
    access: 'reports.read',
    query: invitationRoundsQuery,
    fields: [],
    view,
  });
}
