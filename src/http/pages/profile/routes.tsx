import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { assignRole, assignRoleInput } from '../../../domain/accounts/assignRole.ts';
import { unlockLogin } from '../../../domain/accounts/unlockLogin.ts';
import { listAuditLog } from '../../../domain/audit/auditLog.ts';
import { id } from '../../../domain/input.ts';
import { resendSetupEmail } from '../../../domain/invitations/queueInvitations.ts';
import { reenableInviteLink } from '../../../domain/invitations/reenableInviteLink.ts';
import { memberProfile } from '../../../domain/members/memberProfile.ts';
import { can } from '../../../domain/policy.ts';
import { resetSecondStep } from '../../../domain/twoStep/resetSecondStep.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { ProfilePage } from './ProfilePage.tsx';

type Member = { id: number };
type Shown = { done?: string; reenabled?: Awaited<ReturnType<typeof reenableInviteLink>>; refused?: Refusal };

const RECENT_EVENTS = 10;
const params = z.object({ id: id('member') });
const query = z.object({ resent: z.string().optional(), done: z.string().optional() });

/** Notices after a redirect, by the `done` query value (nothing from the query is echoed). */
const notices: Record<string, string> = {
  resent: 'The set-up email is on its way.',
  unlocked: 'The login is unlocked: the member can try to log in again now.',
  'second-step-reset':
    'The second step is removed and the member is emailed. They sign in with their password and set up a new one.',
  role: 'The access level is changed. It takes effect at the member’s next page view.',
  added: 'The member is added to the roster.',
  saved: 'The member’s record is saved.',
  unchanged: 'Nothing was changed: the record already had those details.',
};

/** The profile; after a change, its notice, the re-enabled link, or the refused access level's error. */
async function view(r: Req<Member>, { done, reenabled, refused }: Shown) {
  const profile = await memberProfile(r.deps, r.actor, r.params.id);
  // The audit trail is the Security Administrator's (like the Audit Log itself); others do not see it.
  const activity = can(r.actor.role, 'audit.read')
    ? (await listAuditLog(r.deps, r.actor, { memberId: r.params.id }, undefined, RECENT_EVENTS)).rows
    : undefined;
  const notice = done && Object.hasOwn(notices, done) ? notices[done] : undefined;
  return (
    <ProfilePage
      ctx={r.ctx()}
      profile={profile}
      notice={notice}
      reenabled={reenabled}
      activity={activity}
      roleErrors={refused?.errors}
      chosenRole={refused?.values.role}
    />
  );
}

const doneAt = (r: Req<Member>, done: string) => withQuery(paths.memberProfile(r.params.id), { done });

/** Admin > Member Search > Profile, with the Login section's repairs. */
export function registerProfileRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);

  page({
    path: paths.memberProfile(':id'),
    access: 'members.read',
    params,
    query,
    view: (r, { query }) => view(r, { done: query?.resent === '1' ? 'resent' : query?.done }),
  });

  form({
    path: paths.resendSetupEmail(':id'),
    access: 'logins.manage',
    params,
    run: (r) => resendSetupEmail(r.deps, r.actor, r.params.id),
    done: (r) => withQuery(paths.memberProfile(r.params.id), { resent: '1' }),
  });

  // Answered directly rather than redirected: the fresh link must not end up in a URL or the history.
  form({
    path: paths.reenableInviteLink(':id'),
    access: 'logins.manage',
    params,
    run: (r) => reenableInviteLink(r.deps, r.actor, r.params.id),
    done: (r, reenabled) => view(r, { reenabled }),
  });

  form({
    path: paths.unlock(':id'),
    access: 'logins.manage',
    params,
    run: (r) => unlockLogin(r.deps, r.actor, r.params.id),
    done: (r) => doneAt(r, 'unlocked'),
  });

  form({
    path: paths.resetSecondStep(':id'),
    access: 'logins.manage',
    params,
    fields: ['confirm'],
    body: z.object({ confirm: z.literal('yes', { error: 'Tick the box to confirm the device is lost.' }) }),
    run: (r) => resetSecondStep(r.deps, r.actor, r.params.id),
    done: (r) => doneAt(r, 'second-step-reset'),
    view: (r, refused) => view(r, { refused }),
  });

  form({
    path: paths.role(':id'),
    access: 'roles.assign',
    params,
    fields: ['role', 'code'],
    body: assignRoleInput,
    stepUp: true,
    run: (r, input) => assignRole(r.deps, r.actor, { ...input, memberId: r.params.id }),
    // Someone who just gave up their own admin access could not see the profile any more.
    done: (r, changed) =>
      r.request.signedIn!.memberId === r.params.id && !can(changed.to, 'members.read')
        ? '/'
        : doneAt(r, 'role'),
    view: (r, refused) => view(r, { refused }),
  });
}
