import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { completeSetup, completeSetupInput, isSetupTokenValid } from '../../../domain/setup/firstRunSetup.ts';
import { isAppError } from '../../../errors.ts';
import { setSessionCookie } from '../../access.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { SetupLinkInvalidPage, SetupPage } from './SetupPage.tsx';

const query = z.object({ token: z.string().optional() });

/** A link that cannot be used (already used, or replaced by a restart) answers 410 with its own page. */
const invalid = (r: Req<unknown>) => ({ page: <SetupLinkInvalidPage ctx={r.ctx()} />, status: 410 });

/** Two submissions of the same link: the one that lost finds the link used up, and is told so. */
const goneAsNull = (e: unknown) => {
  if (isAppError(e) && e.code === 'gone') return null;
  throw e;
};

/** The token typed into the form's hidden field, to post again after a refusal. */
const typedToken = (r: Req<unknown>) =>
  String((r.request.body as { token?: unknown } | undefined)?.token ?? '');

/** First-run setup, from the link the console printed. */
export function registerSetupRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'public';

  page({
    path: paths.setup,
    access,
    query,
    view: async (r, { query }) => {
      const token = query?.token ?? '';
      // Keep the token out of Referer headers sent to anything the page loads.
      r.reply.header('referrer-policy', 'no-referrer');
      if (!(await isSetupTokenValid(r.deps, token))) return invalid(r);
      return <SetupPage ctx={r.ctx()} token={token} />;
    },
  });

  form({
    path: paths.setup,
    access,
    body: completeSetupInput,
    run: ({ deps, request }, { token, ...admin }) => {
      const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
      return completeSetup(deps, token, admin, client).catch(goneAsNull);
    },
    done: (r, session) => {
      if (!session) return invalid(r);
      setSessionCookie(r.reply, app, session.sessionToken);
      return withQuery(paths.admin, { welcome: '1' });
    },
    // Every refusal of the form answers 400, a username already taken included.
    view: (r, { values, errors }) => ({
      page: <SetupPage ctx={r.ctx()} token={typedToken(r)} values={values} errors={errors} />,
      status: 400,
    }),
  });
}
