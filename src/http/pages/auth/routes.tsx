import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { logIn } from '../../../domain/auth/logIn.ts';
import { endSession } from '../../../domain/auth/sessions.ts';
import { isAppError } from '../../../errors.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { safeNext } from '../../safeNext.ts';
import { LoginPage } from './LoginPage.tsx';

export function registerAuthRoutes(server: FastifyInstance, app: App): void {
  const nextPage = (next: unknown) => safeNext(next, app.deps.config.publicUrl);
  server.get<{ Querystring: { next?: string; loggedOut?: string } }>(
    '/login',
    { config: { access: 'public' } },
    async (request, reply) => {
      if (request.signedIn) return reply.redirect(nextPage(request.query.next) ?? '/');
      const ctx = pageContext(app, request, reply);
      return sendPage(
        reply,
        <LoginPage
          ctx={ctx}
          next={nextPage(request.query.next)}
          loggedOut={request.query.loggedOut === '1'}
        />,
      );
    },
  );

  server.post('/login', { config: { access: 'public' } }, async (request, reply) => {
    const username = field(request.body, 'username');
    const next = nextPage(field(request.body, 'next'));
    try {
      const previous = sessionTokenOf(request, app);
      if (previous) await endSession(app.deps, previous);
      const { token, accountId } = await logIn(app.deps, {
        username,
        password: field(request.body, 'password'),
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      setSessionCookie(reply, app, token, field(request.body, 'remember') === 'yes');
      request.log.info({ event: 'login.succeeded', accountId, ip: request.ip }, 'login');
      return reply.redirect(next ?? '/', 303);
    } catch (e) {
      if (!isAppError(e) || (e.code !== 'unauthenticated' && e.code !== 'rate_limited')) throw e;
      // What was typed is never logged: a password typed into the username field must not end up in logs.
      request.log.warn(
        { event: `login.${e.code === 'rate_limited' ? 'throttled' : 'failed'}`, ip: request.ip },
        'login refused',
      );
      request.signedIn = null;
      const ctx = pageContext(app, request, reply);
      const status = e.code === 'rate_limited' ? 429 : 401;
      return sendPage(
        reply,
        <LoginPage ctx={ctx} username={username} next={next} errors={{ username: e.message }} />,
        status,
      );
    }
  });

  server.post('/logout', { config: { access: 'public' } }, async (request, reply) => {
    const token = sessionTokenOf(request, app);
    if (token) await endSession(app.deps, token);
    clearSessionCookie(reply, app);
    return reply.redirect('/login?loggedOut=1', 303);
  });

  server.get('/', { config: { access: 'public' } }, async (request, reply) =>
    reply.redirect(request.signedIn ? '/home' : '/login'),
  );
}
