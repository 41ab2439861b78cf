import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import {
  acceptInvitation,
  acceptInvitationInput,
  findInvitation,
  type InvitationRef,
} from '../../../domain/invitations/acceptInvitation.ts';
import { checkTypedCode, typedCodeInput } from '../../../domain/invitations/checkTypedCode.ts';
import { requestFreshLink } from '../../../domain/invitations/requestFreshLink.ts';
import { isAppError } from '../../../errors.ts';
import { setSessionCookie } from '../../access.ts';
import { refusalOf } from '../../kit/refusal.ts';
import { routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { pageContext, sendPage } from '../../render.ts';
import {
  FreshLinkRequestedPage,
  InviteCodePage,
  InviteProblemPage,
  type InviteTarget,
  InviteWelcomePage,
} from './InvitePages.tsx';

type TokenParams = { Params: { token: string } };
type Problem = 'expired' | 'used' | 'revoked' | 'unknown';

const linkTarget = (token: string): InviteTarget => ({
  action: paths.inviteLink(encodeURIComponent(token)),
  hidden: {},
});
const codeTarget = ({ code, identifier }: { code: string; identifier: string }): InviteTarget => ({
  action: paths.inviteCode,
  hidden: { code, identifier },
});
const freshTarget = (target: InviteTarget): InviteTarget => ({ ...target, action: `${target.action}/fresh` });
const codeRef = (request: FastifyRequest) => typedCodeInput.parse(request.body ?? {});

/**
 * The pages of one invitation, by link or by typed code. Plain functions, not kit specs: an invitation
 * that cannot be used answers 404 or 410 with its own page, and a kit page or form answers 200 or a
 * refusal's status.
 */
function invitationPages(app: App) {
  const problem = (request: FastifyRequest, reply: FastifyReply, state: Problem, target: InviteTarget) => {
    const ctx = pageContext(app, request, reply);
    const page = <InviteProblemPage ctx={ctx} state={state} fresh={freshTarget(target)} />;
    return sendPage(reply, page, state === 'unknown' ? 404 : 410);
  };

  /** The welcome form, or the page saying what is wrong with the invitation. */
  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    ref: InvitationRef,
    target: InviteTarget,
  ) {
    const invitation = await findInvitation(app.deps, ref);
    if (!invitation) return problem(request, reply, 'unknown', target);
    if (invitation.state !== 'valid') return problem(request, reply, invitation.state, target);
    const page = (
      <InviteWelcomePage
        ctx={pageContext(app, request, reply)}
        firstName={invitation.firstName}
        expiresAt={invitation.expiresAt}
        replacesLogin={invitation.replacesLogin}
        target={target}
      />
    );
    return sendPage(reply, page);
  }

  /** Create login: signs the member in, or shows the form again, or says what is wrong with the invitation. */
  async function createLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    ref: InvitationRef,
    target: InviteTarget,
  ) {
    const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
    try {
      const input = acceptInvitationInput.parse(request.body ?? {});
      const { sessionToken } = await acceptInvitation(app.deps, ref, input, client);
      setSessionCookie(reply, app, sessionToken);
      return reply.redirect(withQuery(paths.home, { welcome: '1' }), 303);
    } catch (e) {
      if (isAppError(e) && (e.code === 'gone' || e.code === 'not_found')) {
        return problem(request, reply, (e.details?.state as Problem | undefined) ?? 'unknown', target);
      }
      const refused = refusalOf(e, request.body);
      if (!refused) throw e;
      const invitation = await findInvitation(app.deps, ref);
      const page = (
        <InviteWelcomePage
          ctx={pageContext(app, request, reply)}
          firstName={invitation?.firstName ?? ''}
          expiresAt={invitation?.expiresAt ?? app.deps.clock.now()}
          replacesLogin={invitation?.replacesLogin ?? false}
          target={target}
          username={refused.values.username}
          errors={refused.errors}
        />
      );
      return sendPage(reply, page, refused.status === 429 ? 429 : 400);
    }
  }

  /** /invite: the typed code checked (a refusal shows the form again), then the invitation it names. */
  async function checkCode(request: FastifyRequest, reply: FastifyReply) {
    const input = codeRef(request);
    try {
      await checkTypedCode(app.deps, input, request.ip);
    } catch (e) {
      const refused = refusalOf(e, request.body, ['code', 'identifier']);
      if (!refused) throw e;
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <InviteCodePage ctx={ctx} {...input} errors={refused.errors} />, refused.status);
    }
    return show(request, reply, input, codeTarget(input));
  }

  return { show, createLogin, checkCode };
}

/**
 * Login from invite link. GET only looks (mail scanners open links, HEAD included); the POST creates
 * the login. A link that cannot be used says why before anyone types anything.
 */
export function registerInviteRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'public' as const;
  const plain = { config: { access } } as const;
  const { show, createLogin, checkCode } = invitationPages(app);

  server.get<TokenParams>(paths.inviteLink(':token'), plain, (request, reply) => {
    reply.header('x-robots-tag', 'noindex');
    return show(request, reply, { token: request.params.token }, linkTarget(request.params.token));
  });
  server.post<TokenParams>(paths.inviteLink(':token'), plain, (request, reply) =>
    createLogin(request, reply, { token: request.params.token }, linkTarget(request.params.token)),
  );

  page({ path: paths.invite, access, view: (r) => <InviteCodePage ctx={r.ctx()} /> });
  server.post(paths.invite, plain, checkCode);
  server.post(paths.inviteCode, plain, (request, reply) => {
    const ref = codeRef(request);
    return createLogin(request, reply, ref, codeTarget(ref));
  });

  // "Email me a fresh link": the same answer whatever happened (requestFreshLink.ts).
  form<{ token: string }>({
    path: paths.inviteLinkFresh(':token'),
    access,
    run: (r) => requestFreshLink(r.deps, { token: r.params.token }, r.request.ip),
    done: (r) => <FreshLinkRequestedPage ctx={r.ctx()} />,
  });
  form({
    path: paths.inviteCodeFresh,
    access,
    body: typedCodeInput,
    run: (r, input) => requestFreshLink(r.deps, input, r.request.ip),
    done: (r) => <FreshLinkRequestedPage ctx={r.ctx()} />,
  });
}
