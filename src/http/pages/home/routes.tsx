import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { changeOwnPassword } from '../../../domain/accounts/changeOwnPassword.ts';
import { chooseRequiredPassword } from '../../../domain/accounts/chooseRequiredPassword.ts';
import { recentLogins } from '../../../domain/accounts/loginHistory.ts';
import { ownProfile } from '../../../domain/accounts/ownProfile.ts';
import { renewSession } from '../../../domain/auth/sessions.ts';
import { can } from '../../../domain/policy.ts';
import { isAppError } from '../../../errors.ts';
import {
  actorOf,
  CHOOSE_PASSWORD_PATH,
  keepsSession,
  sessionTokenOf,
  setSessionCookie,
} from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { safeNext } from '../../safeNext.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import { ChoosePasswordPage } from './ChoosePasswordPage.tsx';
import { HomePage } from './HomePage.tsx';

const notices = ['changed', 'reset', 'chosen'] as const;
type Notice = (typeof notices)[number];

export function registerHomeRoutes(server: FastifyInstance, app: App): void {
  /** A page of this portal to continue to, but not the form itself. */
  const nextPage = (next: unknown) => {
    const path = safeNext(next, app.deps.config.publicUrl);
    return path && !path.startsWith(CHOOSE_PASSWORD_PATH) ? path : undefined;
  };
  async function home(request: FastifyRequest, reply: FastifyReply, errors?: FieldErrors, notice?: Notice) {
    const { accountId } = request.signedIn!;
    const [profile, logins] = await Promise.all([
      ownProfile(app.deps, accountId),
      recentLogins(app.deps, accountId),
    ]);
    const ctx = pageContext(app, request, reply);
    return sendPage(
      reply,
      <HomePage ctx={ctx} profile={profile} logins={logins} errors={errors} notice={notice} />,
      errors ? 400 : 200,
    );
  }

  /** After a person changes their own password, their session continues under a new token. */
  async function renewOwnSession(request: FastifyRequest, reply: FastifyReply) {
    const old = sessionTokenOf(request, app);
    const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
    const token = old ? await renewSession(app.deps, old, client) : null;
    if (token) setSessionCookie(reply, app, token, keepsSession(request, app));
  }

  server.get<{ Querystring: { changed?: string; reset?: string; chosen?: string } }>(
    '/home',
    { config: { access: 'portal.use' } },
    (request, reply) =>
      home(
        request,
        reply,
        undefined,
        notices.find((n) => request.query[n] === '1'),
      ),
  );

  server.post('/home/password', { config: { access: 'portal.use' } }, async (request, reply) => {
    try {
      await changeOwnPassword(app.deps, actorOf(request), request.signedIn!, {
        currentPassword: field(request.body, 'currentPassword'),
        newPassword: field(request.body, 'newPassword'),
      });
      await renewOwnSession(request, reply);
      return reply.redirect('/home?changed=1', 303);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'validation') throw e;
      return home(request, reply, { [e.field ?? '_form']: e.message });
    }
  });

  // Reachable while a temporary password is in force (see the gate in access.ts), by any signed-in role.
  server.get<{ Querystring: { next?: string } }>(
    CHOOSE_PASSWORD_PATH,
    { config: { access: 'signedIn' } },
    (request, reply) => {
      if (!request.signedIn!.mustChangePassword) return reply.redirect('/home', 303);
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <ChoosePasswordPage ctx={ctx} next={nextPage(request.query.next)} />);
    },
  );

  server.post(CHOOSE_PASSWORD_PATH, { config: { access: 'signedIn' } }, async (request, reply) => {
    const signedIn = request.signedIn!;
    const next = nextPage(field(request.body, 'next'));
    try {
      await chooseRequiredPassword(app.deps, actorOf(request), signedIn, {
        newPassword: field(request.body, 'newPassword'),
      });
    } catch (e) {
      if (!isAppError(e) || e.code !== 'validation') throw e;
      const ctx = pageContext(app, request, reply);
      const errors = { [e.field ?? 'newPassword']: e.message };
      return sendPage(reply, <ChoosePasswordPage ctx={ctx} next={next} errors={errors} />, 400);
    }
    await renewOwnSession(request, reply);
    // Continue where the login was heading; a plain login lands on the member's (or admin's) start page.
    const landing = can(signedIn.role, 'admin.enter') ? '/admin' : '/home?chosen=1';
    return reply.redirect(next && next !== '/' && next !== '/home' ? next : landing, 303);
  });
}
