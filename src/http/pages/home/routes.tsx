import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { changeOwnPassword, changeOwnPasswordInput } from '../../../domain/accounts/changeOwnPassword.ts';
import {
  chooseRequiredPassword,
  chooseRequiredPasswordInput,
} from '../../../domain/accounts/chooseRequiredPassword.ts';
import { recentLogins } from '../../../domain/accounts/loginHistory.ts';
import { ownProfile } from '../../../domain/accounts/ownProfile.ts';
import { renewSession } from '../../../domain/auth/sessions.ts';
import { can } from '../../../domain/policy.ts';
import { keepsSession, sessionTokenOf, setSessionCookie } from '../../access.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { safeNext } from '../../safeNext.ts';
import { ChoosePasswordPage } from './ChoosePasswordPage.tsx';
import { HomePage } from './HomePage.tsx';

const notices = ['changed', 'reset', 'chosen'] as const;
const flag = z.string().optional();
const homeQuery = z.object({ changed: flag, reset: flag, chosen: flag });
const chooseForm = chooseRequiredPasswordInput.extend({ next: z.string().optional() });

/** The member's own page, with a notice after a change, or with the refused password change's errors. */
async function home(r: Req<unknown>, shown: { query?: z.infer<typeof homeQuery>; refused?: Refusal }) {
  const { accountId } = r.request.signedIn!;
  const [profile, logins] = await Promise.all([
    ownProfile(r.deps, accountId),
    recentLogins(r.deps, accountId),
  ]);
  const notice = notices.find((n) => shown.query?.[n] === '1');
  return (
    <HomePage
      ctx={r.ctx()}
      profile={profile}
      logins={logins}
      errors={shown.refused?.errors}
      notice={notice}
    />
  );
}

/** After a person changes their own password, their session continues under a new token. */
async function renewOwnSession(app: App, r: Req<unknown>) {
  const old = sessionTokenOf(r.request, app);
  const client = { ip: r.request.ip, userAgent: r.request.headers['user-agent'] ?? null };
  const token = old ? await renewSession(r.deps, old, client) : null;
  if (token) setSessionCookie(r.reply, app, token, keepsSession(r.request, app));
}

/** A page of this portal to continue to, but not the form itself. */
function nextPage(app: App, next: unknown) {
  const path = safeNext(next, app.deps.config.publicUrl);
  return path && !path.startsWith(paths.choosePassword) ? path : undefined;
}

/** Where a chosen password leads: where the login was heading, else the member's (or admin's) start page. */
function afterChoosing(r: Req<unknown>, next: string | undefined) {
  const landing = can(r.request.signedIn!.role, 'admin.enter')
    ? paths.admin
    : withQuery(paths.home, { chosen: '1' });
  return next && next !== '/' && next !== paths.home ? next : landing;
}

/** A member's own page (Home) and their password. */
export function registerHomeRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);

  page({ path: paths.home, access: 'portal.use', query: homeQuery, view: home });

  form({
    path: paths.homePassword,
    access: 'portal.use',
    fields: ['currentPassword', 'newPassword'],
    body: changeOwnPasswordInput,
    run: (r, input) => changeOwnPassword(r.deps, r.actor, r.request.signedIn!, input),
    done: async (r) => {
      await renewOwnSession(app, r);
      return withQuery(paths.home, { changed: '1' });
    },
    view: (r, refused) => home(r, { refused }),
  });

  // Reachable while a temporary password is in force (see the gate in access.ts), by any signed-in role.
  page({
    path: paths.choosePassword,
    access: 'signedIn',
    query: z.object({ next: z.unknown().optional() }),
    view: (r, { query }) => {
      // Someone with nothing to choose is sent home.
      if (!r.request.signedIn!.mustChangePassword) return paths.home;
      return <ChoosePasswordPage ctx={r.ctx()} next={nextPage(app, query?.next)} />;
    },
  });

  form({
    path: paths.choosePassword,
    access: 'signedIn',
    fields: ['newPassword'],
    body: chooseForm,
    run: async (r, input) => {
      await chooseRequiredPassword(r.deps, r.actor, r.request.signedIn!, input);
      return nextPage(app, input.next);
    },
    done: async (r, next) => {
      await renewOwnSession(app, r);
      return afterChoosing(r, next);
    },
    view: (r, { values, errors }) => (
      <ChoosePasswordPage ctx={r.ctx()} next={nextPage(app, values.next)} errors={errors} />
    ),
  });
}
