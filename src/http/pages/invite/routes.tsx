import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import {
  acceptInvitation,
  findInvitation,
  type InvitationRef,
} from '../../../domain/invitations/acceptInvitation.ts';
import { checkTypedCode } from '../../../domain/invitations/checkTypedCode.ts';
import { requestFreshLink } from '../../../domain/invitations/requestFreshLink.ts';
import { isAppError } from '../../../errors.ts';
import { setSessionCookie } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import {
  FreshLinkRequestedPage,
  InviteCodePage,
  InviteProblemPage,
  type InviteTarget,
  InviteWelcomePage,
} from './InvitePages.tsx';

type TokenParams = { Params: { token: string } };

const linkTarget = (token: string): InviteTarget => ({
  action: `/invite/${encodeURIComponent(token)}`,
  hidden: {},
});
const codeTarget = (code: string, identifier: string): InviteTarget => ({
  action: '/invite/code',
  hidden: { code, identifier },
});
const freshTarget = (target: InviteTarget): InviteTarget => ({ ...target, action: `${target.action}/fresh` });

/**
 * Login from invite link. GET only looks (mail scanners open links, HEAD included); the POST creates
 * the login. A link that cannot be used says why before anyone types anything.
 */
export function registerInviteRoutes(server: FastifyInstance, app: App): void {
  const client = (request: FastifyRequest) => ({
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
  });

  /** The welcome form, or the page saying what is wrong with the invitation. */
  async function showInvitation(
    request: FastifyRequest,
    reply: FastifyReply,
    ref: InvitationRef,
    target: InviteTarget,
  ) {
    const ctx = pageContext(app, request, reply);
    const invitation = await findInvitation(app.deps, ref);
    if (!invitation) return sendPage(reply, <InviteProblemPage ctx={ctx} state="unknown" />, 404);
    if (invitation.state !== 'valid') {
      return sendPage(
        reply,
        <InviteProblemPage ctx={ctx} state={invitation.state} fresh={freshTarget(target)} />,
        410,
      );
    }
    return sendPage(
      reply,
      <InviteWelcomePage
        ctx={ctx}
        firstName={invitation.firstName}
        expiresAt={invitation.expiresAt}
        replacesLogin={invitation.replacesLogin}
        target={target}
      />,
    );
  }

  async function createLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    ref: InvitationRef,
    target: InviteTarget,
  ) {
    const username = field(request.body, 'username');
    try {
      const { sessionToken } = await acceptInvitation(
        app.deps,
        ref,
        { username, password: field(request.body, 'password') },
        client(request),
      );
      setSessionCookie(reply, app, sessionToken);
      return reply.redirect('/home?welcome=1', 303);
    } catch (e) {
      if (!isAppError(e)) throw e;
      const ctx = pageContext(app, request, reply);
      if (e.code === 'gone' || e.code === 'not_found') {
        const state = (e.details?.state as 'expired' | 'used' | 'revoked' | undefined) ?? 'unknown';
        return sendPage(
          reply,
          <InviteProblemPage ctx={ctx} state={state} fresh={freshTarget(target)} />,
          e.code === 'gone' ? 410 : 404,
        );
      }
      const invitation = await findInvitation(app.deps, ref);
      return sendPage(
        reply,
        <InviteWelcomePage
          ctx={ctx}
          firstName={invitation?.firstName ?? ''}
          expiresAt={invitation?.expiresAt ?? app.deps.clock.now()}
          replacesLogin={invitation?.replacesLogin ?? false}
          target={target}
          username={username}
          errors={{ [e.field ?? 'username']: e.message }}
        />,
        e.code === 'rate_limited' ? 429 : 400,
      );
    }
  }

  async function freshLink(request: FastifyRequest, reply: FastifyReply, ref: InvitationRef) {
    await requestFreshLink(app.deps, ref, request.ip);
    return sendPage(reply, <FreshLinkRequestedPage ctx={pageContext(app, request, reply)} />);
  }

  const access = { config: { access: 'public' as const } };
  server.get<TokenParams>('/invite/:token', access, (request, reply) => {
    reply.header('x-robots-tag', 'noindex');
    return showInvitation(request, reply, { token: request.params.token }, linkTarget(request.params.token));
  });
  server.post<TokenParams>('/invite/:token', access, (request, reply) =>
    createLogin(request, reply, { token: request.params.token }, linkTarget(request.params.token)),
  );
  server.post<TokenParams>('/invite/:token/fresh', access, (request, reply) =>
    freshLink(request, reply, { token: request.params.token }),
  );

  server.get('/invite', access, (request, reply) =>
    sendPage(reply, <InviteCodePage ctx={pageContext(app, request, reply)} />),
  );
  server.post('/invite', access, async (request, reply) => {
    const input = { code: field(request.body, 'code'), identifier: field(request.body, 'identifier') };
    try {
      await checkTypedCode(app.deps, input, request.ip);
    } catch (e) {
      if (!isAppError(e) || (e.code !== 'validation' && e.code !== 'rate_limited')) throw e;
      const ctx = pageContext(app, request, reply);
      const errors = { [e.field ?? 'code']: e.message };
      return sendPage(
        reply,
        <InviteCodePage ctx={ctx} {...input} errors={errors} />,
        e.code === 'rate_limited' ? 429 : 400,
      );
    }
    return showInvitation(request, reply, input, codeTarget(input.code, input.identifier));
  });
  const codeRef = (request: FastifyRequest) => ({
    code: field(request.body, 'code'),
    identifier: field(request.body, 'identifier'),
  });
  server.post('/invite/code', access, (request, reply) => {
    const ref = codeRef(request);
    return createLogin(request, reply, ref, codeTarget(ref.code, ref.identifier));
  });
  server.post('/invite/code/fresh', access, (request, reply) => freshLink(request, reply, codeRef(request)));
}
