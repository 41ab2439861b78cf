import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { changeUsername } from '../../../domain/accounts/changeUsername.ts';
import { sendPasswordResetLink } from '../../../domain/accounts/sendPasswordResetLink.ts';
import { setTemporaryPassword } from '../../../domain/accounts/setTemporaryPassword.ts';
import { memberProfile } from '../../../domain/members/memberProfile.ts';
import { AppError, httpStatusOf, isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { ChangeLoginPage } from './ChangeLoginPage.tsx';

type IdParams = { Params: { id: string } };
type Done = 'username' | 'password' | 'reset';

const memberId = (raw: string) => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new AppError('not_found', 'There is no member with that id.');
  return id;
};

const pagePath = (id: number) => `/admin/members/${id}/login`;

/** What happened, said about the member, or about "you" when administrators change their own login. */
function noticeFor(done: string | undefined, p: { firstName: string; email: string }, self: boolean) {
  const who = self ? 'You' : p.firstName;
  const their = self ? 'Your other' : 'Their';
  switch (done as Done | undefined) {
    case 'username':
      return `The username is changed. ${who} got an email about it at ${p.email}. ${their} sessions were ended, so the new username is needed at the next login.`;
    case 'password':
      return `The temporary password is set. ${who} must choose a new password at the next login. ${their} sessions were ended.`;
    case 'reset':
      return `A password reset link is on its way to ${p.email}. It works for one hour.`;
    default:
      return undefined;
  }
}

/** Admin > Member Search > Profile > Change login (Security Administrators: logins.manage). */
export function registerChangeLoginRoutes(server: FastifyInstance, app: App): void {
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { done?: string; error?: AppError; typedUsername?: string } = {},
  ) => {
    const profile = await memberProfile(app.deps, actorOf(request), id);
    const self = request.signedIn?.memberId === id;
    const { error } = extra;
    return sendPage(
      reply,
      <ChangeLoginPage
        ctx={pageContext(app, request, reply)}
        profile={profile}
        notice={noticeFor(extra.done, profile.member, self)}
        errors={error ? { [error.field ?? '_form']: error.message } : undefined}
        typedUsername={extra.typedUsername}
      />,
      error ? httpStatusOf[error.code] : 200,
    );
  };

  /** Runs a change; a refusal naming one of the page's fields is shown next to it, the rest as usual. */
  const change =
    (done: Done, run: (request: FastifyRequest, id: number) => Promise<unknown>) =>
    async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
      const id = memberId(request.params.id);
      try {
        await run(request, id);
      } catch (e) {
        if (!isAppError(e) || (e.field !== 'username' && e.field !== 'newPassword')) throw e;
        const typedUsername = e.field === 'username' ? field(request.body, 'username') : undefined;
        return show(request, reply, id, { error: e, typedUsername });
      }
      return reply.redirect(`${pagePath(id)}?done=${done}`, 303);
    };

  server.get<IdParams & { Querystring: { done?: string } }>(
    '/admin/members/:id/login',
    { config: { access: 'logins.manage' } },
    async (request, reply) => show(request, reply, memberId(request.params.id), { done: request.query.done }),
  );

  server.post<IdParams>(
    '/admin/members/:id/login/username',
    { config: { access: 'logins.manage' } },
    change('username', (request, id) =>
      changeUsername(app.deps, actorOf(request), {
        memberId: id,
        username: field(request.body, 'username'),
        actorSessionHash: request.signedIn!.tokenHash,
      }),
    ),
  );

  server.post<IdParams>(
    '/admin/members/:id/login/password',
    { config: { access: 'logins.manage' } },
    change('password', (request, id) =>
      setTemporaryPassword(app.deps, actorOf(request), {
        memberId: id,
        newPassword: field(request.body, 'newPassword'),
        actorSessionHash: request.signedIn!.tokenHash,
      }),
    ),
  );

  server.post<IdParams>(
    '/admin/members/:id/login/reset-link',
    { config: { access: 'logins.manage' } },
    change('reset', (request, id) => sendPasswordResetLink(app.deps, actorOf(request), id)),
  );
}
