import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { unfinishedRequest } from '../../../domain/clearAllUsernames/loginClearRequests.ts';
import { listRestorableClears } from '../../../domain/clearAllUsernames/restorableClears.ts';
import { countPendingMembers } from '../../../domain/invitationCodes/countInvitationCodes.ts';
import {
  type PendingQuery,
  pendingQueryInput,
} from '../../../domain/invitationCodes/invitationCodesQuery.ts';
import { listPendingMembers } from '../../../domain/invitationCodes/listInvitationCodes.ts';
import { activeSendAll, singleSendRecipient } from '../../../domain/invitations/sendAllProgress.ts';
import { can } from '../../../domain/policy.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import type { FilterValues } from './FilterForm.tsx';
import { InvitationCodesPage } from './InvitationCodesPage.tsx';
import { hasFilters } from './links.ts';

/** The form shows what was asked for, even a value that was refused, so it can be corrected. */
const valuesOf = (typed: Record<string, string>): FilterValues => ({
  search: typed.search ?? '',
  status: typed.status ?? '',
  invited: typed.invited ?? '',
  sentBefore: typed.sentBefore ?? '',
  deliveryFailed: Boolean(typed.deliveryFailed),
  sort: typed.sort ?? '',
  dir: typed.dir ?? '',
});

/** The filter form's fields; other refusals (sort, an edited page link) are shown over the form. */
const fields = ['search', 'status', 'invited', 'sentBefore', 'deliveryFailed'];

/** The page: the list when the query was read, only its errors when it was refused. */
async function view(r: Req<unknown>, shown: { query?: PendingQuery; refused?: Refusal }) {
  const [pendingCount, sendAll, loginClear, recipient, clears] = await Promise.all([
    countPendingMembers(r.deps, r.actor),
    activeSendAll(r.deps),
    unfinishedRequest(r.deps.db),
    singleSendRecipient(r.deps, Number(r.typed.sent)),
    // The restorable clears are the Security Administrator's; others do not see them.
    can(r.actor.role, 'logins.clearAll') ? listRestorableClears(r.deps, r.actor) : undefined,
  ]);
  const sent = recipient && { ...recipient, delivers: Boolean(r.deps.config.smtpUrl) };
  const { query } = shown;
  const result = query && {
    query,
    page: await listPendingMembers(r.deps, r.actor, query),
    filtered: hasFilters(query),
    paged: Boolean(query.after || query.before),
  };
  const errors = shown.refused?.errors;
  const values = valuesOf(r.typed);
  return (
    <InvitationCodesPage
      view={{
        ctx: r.ctx(),
        pendingCount,
        values,
        result: result ?? null,
        errors,
        sent,
        sendAll,
        loginClear,
        clears,
      }}
    />
  );
}

/** Admin > Member Management > Invitation Codes: the members without a login, with Send and Send All. */
export function registerInvitationCodesRoutes(server: FastifyInstance, app: App): void {
  const { page } = routeKit(server, app);
  page({
    path: paths.invitationCodes,
    access: 'invitations.send',
    query: pendingQueryInput,
    fields,
    view,
  });
}
