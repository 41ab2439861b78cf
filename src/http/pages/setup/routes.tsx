import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { completeSetup, completeSetupInput, isSetupTokenValid } from '../../../domain/setup/firstRunSetup.ts';
import { isAppError } from '../../../errors.ts';
import { setSessionCookie } from '../../access.ts';
import { refusalOf } from '../../kit/refusal.ts';
import { paths, withQuery } from '../../paths.ts';
import { pageContext, sendPage } from '../../render.ts';
import { SetupLinkInvalidPage, SetupPage } from './SetupPage.tsx';

/**
 * First-run setup, from the link the console printed. Plain routes, not kit specs: a link that cannot be
 * used answers 410 with its own page, and a kit page or form answers 200 or a refusal's status.
 */
export function registerSetupRoutes(server: FastifyInstance, app: App): void {
  const access = { config: { access: 'public' as const } };
  const invalid = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, <SetupLinkInvalidPage ctx={pageContext(app, request, reply)} />, 410);

  server.get<{ Querystring: { token?: string } }>(paths.setup, access, async (request, reply) => {
    const token = request.query.token ?? '';
    // Keep the token out of Referer headers sent to anything the page loads.
    reply.header('referrer-policy', 'no-referrer');
    if (!(await isSetupTokenValid(app.deps, token))) return invalid(request, reply);
    return sendPage(reply, <SetupPage ctx={pageContext(app, request, reply)} token={token} />);
  });

  server.post(paths.setup, access, async (request, reply) => {
    const { token, ...admin } = completeSetupInput.parse(request.body ?? {});
    const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
    try {
      const { sessionToken } = await completeSetup(app.deps, token, admin, client);
      setSessionCookie(reply, app, sessionToken);
      return reply.redirect(withQuery(paths.admin, { welcome: '1' }), 303);
    } catch (e) {
      if (isAppError(e) && e.code === 'gone') return invalid(request, reply);
      const refused = refusalOf(e, request.body);
      if (!refused) throw e;
      const ctx = pageContext(app, request, reply);
      const page = <SetupPage ctx={ctx} token={token} values={refused.values} errors={refused.errors} />;
      return sendPage(reply, page, 400);
    }
  });
}
