import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { App } from '../app.ts';
import { stepUpDueFor } from './stepUp/requireStepUp.ts';
import type { PageContext } from './ui/Layout.tsx';

export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}

/** What the layout needs from the request: organisation name, a fresh CSRF token, who is signed in. */
export function pageContext(app: App, request: FastifyRequest, reply: FastifyReply): PageContext {
  const s = request.signedIn;
  return {
    orgName: request.orgName ?? app.deps.config.orgName,
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
