import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import {
  acceptInvitation,
  acceptInvitationInput,
  findInvitation,
  type InvitationRef,
} from '../../../domain/invitations/acceptInvitation.ts';
import { checkTypedCode, typedCodeInput } from '../../../domain/invitations/checkTypedCode.ts';
import { requestFreshLink } from '../../../domain/invitations/requestFreshLink.ts';
import { setSessionCookie } from '../../access.ts';
import { linkProblemOf, type Refusal } from '../../kit/refusal.ts';
import { type Answer, type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import {
  FreshLinkRequestedPage,
  InviteCodePage,
  InviteProblemPage,
  type InviteTarget,
  InviteWelcomePage,
} from './InvitePages.tsx';

const params = z.object({ token: z.string() });
type Token = z.infer<typeof params>;
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

/** The typed code and address as posted (the refusal's values leave out anything named like a code). */
const typedRef = (r: Req<unknown>) => {
  const body = (r.request.body ?? {}) as Record<string, unknown>;
  const string = (value: unknown) => (typeof value === 'string' ? value : '');
  return { code: string(body.code), identifier: string(body.identifier) };
};

/** Create login by typed code: the code and address, and the login chosen. */
const codeLoginInput = typedCodeInput.extend(acceptInvitationInput.shape);

/** An invitation that cannot be used says why: 404 for one never issued, 410 for one used, run out or replaced. */
const problem = (r: Req<unknown>, state: Problem, target: InviteTarget) => ({
  page: <InviteProblemPage ctx={r.ctx()} state={state} fresh={freshTarget(target)} />,
  status: state === 'unknown' ? 404 : 410,
});

type Invitation = Awaited<ReturnType<typeof findInvitation>>;
type Created = { sessionToken: string } | { problem: Problem };

/** The welcome form; after a refusal, with its errors and the username typed. */
const welcomePage = (r: Req<unknown>, invitation: Invitation, target: InviteTarget, refused?: Refusal) => (
  <InviteWelcomePage
    ctx={r.ctx()}
    firstName={invitation?.firstName ?? ''}
    expiresAt={invitation?.expiresAt ?? r.deps.clock.now()}
    replacesLogin={invitation?.replacesLogin ?? false}
    target={target}
    username={refused?.values.username}
    errors={refused?.errors}
  />
);

/** The welcome form, or the page saying what is wrong with the invitation. */
async function welcome(r: Req<unknown>, ref: InvitationRef, target: InviteTarget): Promise<Answer> {
  const invitation = await findInvitation(r.deps, ref);
  if (!invitation) return problem(r, 'unknown', target);
  if (invitation.state !== 'valid') return problem(r, invitation.state, target);
  return welcomePage(r, invitation, target);
}

/** Create login, by link or by typed code: signs the member in, or says what is wrong with the invitation. */
function createLogin<P>(app: App, ref: (r: Req<P>) => InvitationRef, target: (r: Req<P>) => InviteTarget) {
  return {
    access: 'public' as const,
    run: (r: Req<P>, input: z.infer<typeof acceptInvitationInput>): Promise<Created> => {
      const client = { ip: r.request.ip, userAgent: r.request.headers['user-agent'] ?? null };
      return acceptInvitation(r.deps, ref(r), input, client).catch(linkProblemOf<Problem>);
    },
    done: (r: Req<P>, result: Created): Answer => {
      if ('problem' in result) return problem(r, result.problem, target(r));
      setSessionCookie(r.reply, app, result.sessionToken);
      return withQuery(paths.home, { welcome: '1' });
    },
    // A refusal answers 400 (a username already taken included), or 429 while throttled.
    view: async (r: Req<P>, refused: Refusal): Promise<Answer> => ({
      page: welcomePage(r, await findInvitation(r.deps, ref(r)), target(r), refused),
      status: refused.status === 429 ? 429 : 400,
    }),
  };
}

/**
 * Login from invite link. GET only looks (mail scanners open links, HEAD included); the POST creates
 * the login. A link that cannot be used says why before anyone types anything.
 */
export function registerInviteRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'public';
  const byLink = (r: Req<Token>) => ({ token: r.params.token });
  const byCode = typedRef;

  page({
    path: paths.inviteLink(':token'),
    access,
    params,
    view: (r) => {
      r.reply.header('x-robots-tag', 'noindex');
      return welcome(r, byLink(r), linkTarget(r.params.token));
    },
  });
  form({
    path: paths.inviteLink(':token'),
    params,
    body: acceptInvitationInput,
    ...createLogin(app, byLink, (r) => linkTarget(r.params.token)),
  });

  page({ path: paths.invite, access, view: (r) => <InviteCodePage ctx={r.ctx()} /> });
  // The typed code checked (a refusal shows the form again), then the invitation it names.
  form({
    path: paths.invite,
    access,
    fields: ['code', 'identifier'],
    body: typedCodeInput,
    run: async (r, input) => {
      await checkTypedCode(r.deps, input, r.request.ip);
      return input;
    },
    done: (r, input) => welcome(r, input, codeTarget(input)),
    view: (r, { errors }) => <InviteCodePage ctx={r.ctx()} {...typedRef(r)} errors={errors} />,
  });
  form({
    path: paths.inviteCode,
    body: codeLoginInput,
    ...createLogin(app, byCode, (r) => codeTarget(byCode(r))),
  });

  // "Email me a fresh link": the same answer whatever happened (requestFreshLink.ts).
  form({
    path: paths.inviteLinkFresh(':token'),
    access,
    params,
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
