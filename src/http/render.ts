import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { App } from '../app.ts';
import { loadOrganisationName, organisationNameOf } from './pages/settings/organisationName.ts';
import { stepUpDueFor } from './stepUp/requireStepUp.ts';
import type { PageContext } from './ui/Layout.tsx';

/**
 * Renders and sends a page. The organisation name its frame shows is read first, here and only here (see
 * organisationName.ts); without `app` (an error page with no frame) nothing is read.
 */
export async function sendPage(
  app: App | undefined,
  reply: FastifyReply,
  page: VNode,
  status = 200,
): Promise<FastifyReply> {
  if (app) await loadOrganisationName(app, reply.request);
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}

/**
 * What the layout needs from the request: organisation name, a fresh CSRF token, who is signed in. The
 * name is read as the page renders, after sendPage has loaded it: a redirect never reads it.
 */
export function pageContext(app: App, request: FastifyRequest, reply: FastifyReply): PageContext {
  const s = request.signedIn;
  return {
    get orgName() {
      return organisationNameOf(request);
    },
    csrfToken: reply.server.csrf.tokenFor(request, reply),
    passwordMinLength: app.deps.config.passwordMinLength,
    publicUrl: app.deps.config.publicUrl,
    user: s ? { username: s.username, firstName: s.firstName, role: s.role } : null,
    stepUpDue: stepUpDueFor(app.deps, request),
  };
}

/** One field of a form body as a string ('' when absent); the input guard has refused anything else. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
