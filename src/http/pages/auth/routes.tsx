import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { logIn, logInInput } from '../../../domain/auth/logIn.ts';
import { endSession } from '../../../domain/auth/sessions.ts';
import { can } from '../../../domain/policy.ts';
import type { Role } from '../../../domain/vocabulary.ts';
import { isAppError } from '../../../errors.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../../access.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { setPendingCookie, verifyPath } from '../../pendingSignIn.ts';
import { safeNext } from '../../safeNext.ts';
import { LoginPage } from './LoginPage.tsx';

/** The login form: the use-case's input, where to continue, and "Keep me signed in". */
const loginForm = logInInput.extend({ next: z.string().optional(), remember: z.string().optional() });
type LoginForm = z.infer<typeof loginForm>;

/**
 * Logs in with a fresh session: whatever session this browser had is ended first (sessions are rotated
 * at login). A refusal is logged without what was typed: a password typed into the username field must
 * not end up in logs.
 */
const logInFresh = (app: App) => async (r: Req<unknown>, input: LoginForm) => {
  const previous = sessionTokenOf(r.request, app);
  if (previous) await endSession(r.deps, previous);
  const client = { ip: r.request.ip, userAgent: r.request.headers['user-agent'] ?? null };
  const session = await logIn(r.deps, { ...input, ...client, keep: input.remember === 'yes' }).catch(
    (e: unknown) => {
      if (isAppError(e) && (e.code === 'unauthenticated' || e.code === 'rate_limited')) {
        const event = `login.${e.code === 'rate_limited' ? 'throttled' : 'failed'}`;
        r.request.log.warn({ event, ip: r.request.ip }, 'login refused');
      }
      throw e;
    },
  );
  return { ...session, keep: input.remember === 'yes', next: input.next };
};

/** Where a login lands without a `next`: administrators come to administer, so on Admin; members at home. */
export const landingFor = (role: Role) => (can(role, 'admin.enter') ? paths.admin : '/');

/** The login page's query: where to continue afterwards, and whether the person just logged out. */
const loginQuery = z.object({ next: z.unknown().optional(), loggedOut: z.unknown().optional() });

/** Log in, log out, and the portal's front door. */
export function registerAuthRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'public';
  const nextPage = (next: unknown) => safeNext(next, app.deps.config.publicUrl);

  page({
    path: paths.login,
    access,
    query: loginQuery,
    view: (r, { query }) => {
      const next = nextPage(query?.next);
      // Someone already signed in is sent on, to where they were heading.
      if (r.request.signedIn) return next ?? landingFor(r.request.signedIn.role);
      return <LoginPage ctx={r.ctx()} next={next} loggedOut={query?.loggedOut === '1'} />;
    },
  });

  form({
    path: paths.login,
    access,
    fields: ['username', 'password'],
    body: loginForm,
    run: logInFresh(app),
    done: (r, { token, challenge, accountId, role, keep, next }) => {
      if (challenge !== undefined) {
        // The password was right; the session waits for the second step (verifyRoutes.tsx).
        clearSessionCookie(r.reply, app);
        setPendingCookie(r.reply, app, challenge);
        return verifyPath(nextPage(next));
      }
      setSessionCookie(r.reply, app, token, keep);
      r.request.log.info({ event: 'login.succeeded', accountId, ip: r.request.ip }, 'login');
      return nextPage(next) ?? landingFor(role);
    },
    view: (r, { values, errors }) => {
      r.request.signedIn = null; // the session this browser had was ended before the attempt
      return (
        <LoginPage ctx={r.ctx()} username={values.username} next={nextPage(values.next)} errors={errors} />
      );
    },
  });

  form({
    path: paths.logout,
    access,
    run: async (r) => {
      const token = sessionTokenOf(r.request, app);
      if (token) await endSession(r.deps, token);
    },
    done: (r) => {
      clearSessionCookie(r.reply, app);
      return withQuery(paths.login, { loggedOut: '1' });
    },
  });

  // A plain route: it only sends people on, to their home page or to the login page.
  server.get('/', { config: { access } }, async (request, reply) =>
    reply.redirect(request.signedIn ? paths.home : paths.login),
  );
}
