import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { changeUsername, changeUsernameInput } from '../../../domain/accounts/changeUsername.ts';
import { sendPasswordResetLink } from '../../../domain/accounts/sendPasswordResetLink.ts';
import {
  setTemporaryPassword,
  setTemporaryPasswordInput,
} from '../../../domain/accounts/setTemporaryPassword.ts';
import { id } from '../../../domain/input.ts';
import { memberProfile } from '../../../domain/members/memberProfile.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { ChangeLoginPage } from './ChangeLoginPage.tsx';

type Done = 'username' | 'password' | 'reset';
type Member = { id: number };

const params = z.object({ id: id('member') });
const query = z.object({ done: z.string().optional() });
const fields = ['username', 'newPassword', 'code'];

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

/** The Change login page; after a refusal, with its errors and the username that was typed. */
async function view(r: Req<Member>, shown: { done?: string; refused?: Refusal }) {
  const profile = await memberProfile(r.deps, r.actor, r.params.id);
  const self = r.request.signedIn?.memberId === r.params.id;
  return (
    <ChangeLoginPage
      ctx={r.ctx()}
      profile={profile}
      notice={noticeFor(shown.done, profile.member, self)}
      errors={shown.refused?.errors}
      typedUsername={shown.refused?.values.username}
    />
  );
}

const doneAt = (r: Req<Member>, done: Done) => withQuery(paths.changeLogin(r.params.id), { done });
const sessionHash = (r: Req<Member>) => r.request.signedIn!.tokenHash;

/** Admin > Member Search > Profile > Change login (Security Administrators: logins.manage). */
export function registerChangeLoginRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'logins.manage';

  page({
    path: paths.changeLogin(':id'),
    access,
    params,
    query,
    view: (r, { query }) => view(r, query ?? {}),
  });

  form({
    path: paths.changeUsername(':id'),
    access,
    params,
    fields,
    body: changeUsernameInput,
    stepUp: true,
    run: (r, input) =>
      changeUsername(r.deps, r.actor, { ...input, memberId: r.params.id, actorSessionHash: sessionHash(r) }),
    done: (r) => doneAt(r, 'username'),
    view: (r, refused) => view(r, { refused }),
  });

  form({
    path: paths.setTemporaryPassword(':id'),
    access,
    params,
    fields,
    body: setTemporaryPasswordInput,
    stepUp: true,
    run: (r, input) =>
      setTemporaryPassword(r.deps, r.actor, {
        ...input,
        memberId: r.params.id,
        actorSessionHash: sessionHash(r),
      }),
    done: (r) => doneAt(r, 'password'),
    view: (r, refused) => view(r, { refused }),
  });

  form({
    path: paths.sendResetLink(':id'),
    access,
    params,
    run: (r) => sendPasswordResetLink(r.deps, r.actor, r.params.id),
    done: (r) => doneAt(r, 'reset'),
  });
}
