import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { completeSetup, isSetupTokenValid } from '../../../domain/setup/firstRunSetup.ts';
import { isAppError, ValidationErrors } from '../../../errors.ts';
import { setSessionCookie } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { SetupLinkInvalidPage, SetupPage } from './SetupPage.tsx';

export function registerSetupRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: { token?: string } }>(
    '/setup',
    { config: { access: 'public' } },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const ctx = pageContext(app, request, reply);
      // Keep the token out of Referer headers sent to anything the page loads.
      reply.header('referrer-policy', 'no-referrer');
      if (!(await isSetupTokenValid(app.deps, token)))
        return sendPage(reply, <SetupLinkInvalidPage ctx={ctx} />, 410);
      return sendPage(reply, <SetupPage ctx={ctx} token={token} />);
    },
  );

  server.post('/setup', { config: { access: 'public' } }, async (request, reply) => {
    const body = request.body;
    const token = field(body, 'token');
    const values = {
      firstName: field(body, 'firstName'),
      lastName: field(body, 'lastName'),
      email: field(body, 'email'),
      username: field(body, 'username'),
    };
    try {
      const { sessionToken } = await completeSetup(
        app.deps,
        token,
        { ...values, password: field(body, 'password') },
        { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
      );
      setSessionCookie(reply, app, sessionToken);
      return reply.redirect('/admin?welcome=1', 303);
    } catch (e) {
      if (!isAppError(e)) throw e;
      const ctx = pageContext(app, request, reply);
      if (e.code === 'gone') return sendPage(reply, <SetupLinkInvalidPage ctx={ctx} />, 410);
      const errors = e instanceof ValidationErrors ? e.fields : { [e.field ?? '_form']: e.message };
      return sendPage(reply, <SetupPage ctx={ctx} token={token} values={values} errors={errors} />, 400);
    }
  });
}
