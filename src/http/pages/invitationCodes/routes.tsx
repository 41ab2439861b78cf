import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { countPendingMembers } from '../../../domain/invitations/pendingCount.ts';
import { listPendingMembers } from '../../../domain/invitations/pendingMembers.ts';
import { type PendingQuery, parsePendingQuery } from '../../../domain/invitations/pendingQuery.ts';
import { activeSendAll, singleSendRecipient } from '../../../domain/invitations/sendAllProgress.ts';
import { listRestorableClears } from '../../../domain/loginClears/restorableClears.ts';
import { can } from '../../../domain/policy.ts';
import { isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import type { FilterValues } from './FilterForm.tsx';
import { InvitationCodesPage, type InvitationCodesView } from './InvitationCodesPage.tsx';
import { hasFilters, INVITATION_CODES_PATH } from './links.ts';

type Raw = Record<string, unknown>;

const text = (raw: Raw, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : '';
};

/** The form shows what was asked for, even a value that was refused, so it can be corrected. */
const valuesOf = (raw: Raw): FilterValues => ({
  search: text(raw, 'search'),
  status: text(raw, 'status'),
  invited: text(raw, 'invited'),
  sentBefore: text(raw, 'sentBefore'),
  deliveryFailed: text(raw, 'deliveryFailed') !== '',
  sort: text(raw, 'sort'),
  dir: text(raw, 'dir'),
});

const FORM_FIELDS = new Set(['search', 'status', 'invited', 'sentBefore', 'deliveryFailed']);

/** Admin > Member Management > Invitation Codes: the members without a login, with Send and Send All. */
export function registerInvitationCodesRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: Raw }>(
    INVITATION_CODES_PATH,
    { config: { access: 'invitations.send' } },
    async (request, reply) => {
      const actor = actorOf(request);
      const raw = request.query ?? {};
      const [pendingCount, sendAll, sentTo, clears] = await Promise.all([
        countPendingMembers(app.deps, actor),
        activeSendAll(app.deps),
        singleSendRecipient(app.deps, Number(text(raw, 'sent'))),
        // The restorable clears are the Security Administrator's; others do not see them.
        can(actor.role, 'logins.clearAll') ? listRestorableClears(app.deps, actor) : undefined,
      ]);
      const view: InvitationCodesView = {
        ctx: pageContext(app, request, reply),
        pendingCount,
        values: valuesOf(raw),
        result: null,
        sentTo,
        sendAll,
        clears,
      };
      try {
        const query: PendingQuery = parsePendingQuery(raw);
        const page = await listPendingMembers(app.deps, actor, query);
        view.result = {
          query,
          page,
          filtered: hasFilters(query),
          paged: Boolean(query.after || query.before),
        };
      } catch (error) {
        if (!isAppError(error) || error.code !== 'validation') throw error;
        const field = error.field && FORM_FIELDS.has(error.field) ? error.field : '_form';
        view.errors = { [field]: error.message } satisfies FieldErrors;
        return sendPage(reply, <InvitationCodesPage view={view} />, 400);
      }
      return sendPage(reply, <InvitationCodesPage view={view} />);
    },
  );
}
