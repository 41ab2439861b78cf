import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { assignRole } from '../../../domain/accounts/assignRole.ts';
import { unlockLogin } from '../../../domain/accounts/unlockLogin.ts';
import { listAuditLog } from '../../../domain/audit/auditLog.ts';
import { resendSetupEmail } from '../../../domain/invitations/queueInvitations.ts';
import { reenableInviteLink } from '../../../domain/invitations/reenableInviteLink.ts';
import { memberProfile } from '../../../domain/members/memberProfile.ts';
import { can } from '../../../domain/policy.ts';
import { AppError, httpStatusOf, isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { ProfilePage } from './ProfilePage.tsx';

type IdParams = { Params: { id: string } };

const RECENT_EVENTS = 10;

/** Notices after a redirect, by the `done` query value (nothing from the query is echoed). */
const notices: Record<string, string> = {
  resent: 'The set-up email is on its way.',
  unlocked: 'The login is unlocked: the member can try to log in again now.',
  role: 'The access level is changed. It takes effect at the member’s next page view.',
};

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

  server.get<IdParams & { Querystring: { resent?: string; done?: string } }>(
    '/admin/members/:id',
    { config: { access: 'members.read' } },
    async (request, reply) => {
      const id = memberId(request.params.id);
      const profile = await memberProfile(app.deps, actorOf(request), id);
      const activity = await recentActivity(request, id);
      const done = request.query.resent === '1' ? 'resent' : request.query.done;
      const notice = done && Object.hasOwn(notices, done) ? notices[done] : undefined;
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

  server.post<IdParams>(
    '/admin/members/:id/unlock',
    { config: { access: 'logins.manage' } },
    async (request, reply) => {
      const id = memberId(request.params.id);
      await unlockLogin(app.deps, actorOf(request), id);
      return reply.redirect(`/admin/members/${id}?done=unlocked`, 303);
    },
  );

  server.post<IdParams>(
    '/admin/members/:id/role',
    { config: { access: 'roles.assign' } },
    async (request, reply) => {
      const id = memberId(request.params.id);
      const actor = actorOf(request);
      const role = field(request.body, 'role');
      try {
        const changed = await assignRole(app.deps, actor, { memberId: id, role });
        // Someone who just gave up their own admin access could not see the profile any more.
        const selfDemoted = request.signedIn!.memberId === id && !can(changed.to, 'members.read');
        return reply.redirect(selfDemoted ? '/' : `/admin/members/${id}?done=role`, 303);
      } catch (e) {
        if (!isAppError(e) || e.field !== 'role') throw e;
        const profile = await memberProfile(app.deps, actor, id);
        const activity = await recentActivity(request, id);
        const ctx = pageContext(app, request, reply);
        return sendPage(
          reply,
          <ProfilePage
            ctx={ctx}
            profile={profile}
            activity={activity}
            roleErrors={{ role: e.message }}
            chosenRole={role}
          />,
          httpStatusOf[e.code],
        );
      }
    },
  );
}
