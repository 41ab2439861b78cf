import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import type { KeysetPosition } from '../../../db/newestFirstKeyset.ts';
import { listInvitationRounds, parseRoundKind } from '../../../domain/reports/invitationRounds.ts';
import { responseCurves } from '../../../domain/reports/responseCurves.ts';
import { isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import { InvitationRoundsPage, type InvitationRoundsView } from './InvitationRoundsPage.tsx';
import { INVITATION_ROUNDS_PATH } from './words.ts';

type Raw = Record<string, unknown>;

const text = (raw: Raw, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : '';
};

function readPosition(raw: Raw): KeysetPosition | undefined {
  if (text(raw, 'newer')) return { direction: 'newer', cursor: text(raw, 'newer') };
  if (text(raw, 'older')) return { direction: 'older', cursor: text(raw, 'older') };
  return undefined;
}

/** Query Tool › Invitation Rounds: each round's delivery and the logins created since, with response curves. */
export function registerInvitationRoundsRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: Raw }>(
    INVITATION_ROUNDS_PATH,
    { config: { access: 'reports.read' } },
    async (request, reply) => {
      const raw = request.query ?? {};
      const actor = actorOf(request);
      const view: InvitationRoundsView = {
        ctx: pageContext(app, request, reply),
        kind: '',
        smtpConfigured: Boolean(app.deps.config.smtpUrl),
      };
      try {
        view.kind = parseRoundKind(raw.kind) ?? '';
      } catch (error) {
        if (!isAppError(error) || error.code !== 'validation') throw error;
        view.errors = { _form: error.message };
        return sendPage(reply, <InvitationRoundsPage view={view} />, 400);
      }
      const position = readPosition(raw);
      const [page, curves] = await Promise.all([
        listInvitationRounds(app.deps, actor, { kind: view.kind || undefined }, position),
        // The curves sit above the first page only; paging through old rounds does not recount them.
        position ? undefined : responseCurves(app.deps, actor),
      ]);
      view.page = page;
      view.curves = curves;
      return sendPage(reply, <InvitationRoundsPage view={view} />);
    },
  );
}
