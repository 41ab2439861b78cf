import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { changeOwnPassword } from '../../../domain/accounts/changeOwnPassword.ts';
import { ownProfile } from '../../../domain/accounts/ownProfile.ts';
import { isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { HomePage } from './HomePage.tsx';

export function registerHomeRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: { changed?: string } }>(
    '/home',
    { config: { access: 'portal.use' } },
    async (request, reply) => {
      const profile = await ownProfile(app.deps, request.signedIn!.accountId);
      const ctx = pageContext(app, request, reply);
      return sendPage(
        reply,
        <HomePage ctx={ctx} profile={profile} passwordChanged={request.query.changed === '1'} />,
      );
    },
  );

  server.post('/home/password', { config: { access: 'portal.use' } }, async (request, reply) => {
    try {
      await changeOwnPassword(app.deps, actorOf(request), request.signedIn!, {
        currentPassword: field(request.body, 'currentPassword'),
        newPassword: field(request.body, 'newPassword'),
      });
      return reply.redirect('/home?changed=1', 303);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'validation') throw e;
      const profile = await ownProfile(app.deps, request.signedIn!.accountId);
      const ctx = pageContext(app, request, reply);
      return sendPage(
        reply,
        <HomePage ctx={ctx} profile={profile} errors={{ [e.field ?? '_form']: e.message }} />,
        400,
      );
    }
  });
}
