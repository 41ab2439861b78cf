import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { listAuditLog } from '../../../domain/audit/auditLog.ts';
import { resendSetupEmail } from '../../../domain/invitations/queueInvitations.ts';
import { reenableInviteLink } from '../../../domain/invitations/reenableInviteLink.ts';
import { memberProfile } from '../../../domain/members/memberProfile.ts';
import { can } from '../../../domain/policy.ts';
import { AppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import { ProfilePage } from './ProfilePage.tsx';

type IdParams = { Params: { id: string } };

const RECENT_EVENTS = 10;

const memberId = (raw: string) => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new AppError('not_found', 'There is no member with that id.');
  return id;
};

/** Admin > Member Search > Profile, with the Login section's repairs. */
export function registerProfileRoutes(server: FastifyInstance, app: App): void {
  // The audit trail is the Security Administrator's (like the Audit Log itself); others do not see it.
  const recentActivity = async (request: FastifyRequest, id: number) => {
    const actor = actorOf(request);
    if (!can(actor.role, 'audit.read')) return undefined;
    return (await listAuditLog(app.deps, actor, { memberId: id }, undefined, RECENT_EVENTS)).rows;
  };

  server.get<IdParams & { Querystring: { resent?: string } }>(
    '/admin/members/:id',
    { config: { access: 'members.read' } },
    async (request, reply) => {
      const id = memberId(request.params.id);
      const profile = await memberProfile(app.deps, actorOf(request), id);
      const activity = await recentActivity(request, id);
      const notice = request.query.resent === '1' ? 'The set-up email is on its way.' : undefined;
      return sendPage(
        reply,
        <ProfilePage
          ctx={pageContext(app, request, reply)}
          profile={profile}
          notice={notice}
          activity={activity}
        />,
      );
    },
  );

  server.post<IdParams>(
    '/admin/members/:id/resend-setup-email',
    { config: { access: 'logins.manage' } },
    async (request, reply) => {
      const id = memberId(request.params.id);
      await resendSetupEmail(app.deps, actorOf(request), id);
      return reply.redirect(`/admin/members/${id}?resent=1`, 303);
    },
  );

  // Answered directly rather than redirected: the fresh link must not end up in a URL or the history.
  server.post<IdParams>(
    '/admin/members/:id/reenable-invite-link',
    { config: { access: 'logins.manage' } },
    async (request, reply) => {
      const id = memberId(request.params.id);
      const reenabled = await reenableInviteLink(app.deps, actorOf(request), id);
      const profile = await memberProfile(app.deps, actorOf(request), id);
      const activity = await recentActivity(request, id);
      const ctx = pageContext(app, request, reply);
      return sendPage(
        reply,
        <ProfilePage ctx={ctx} profile={profile} reenabled={reenabled} activity={activity} />,
      );
    },
  );
}
