import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { resolveSession, type SignedIn } from '../domain/auth/sessions.ts';
import { type Actor, type Permission, requirePermission } from '../domain/policy.ts';
import { AppError } from '../errors.ts';

export const SESSION_COOKIE = 'gh_session';

/** Who may reach a route: anyone, anyone signed in, or holders of one permission. */
export type Access = 'public' | 'signedIn' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    signedIn: SignedIn | null;
  }
  interface FastifyInstance {
    /** Every route with its access rule, for the policy-matrix test and for reviewing access. */
    accessTable: { method: string; url: string; access: Access }[];
  }
}

/** Where a login with an administrator-set temporary password must go before anything else. */
export const CHOOSE_PASSWORD_PATH = '/home/choose-password';

/**
 * The forced password change: a signed-in account whose password an administrator set may only choose
 * its own (and log out, which is public). Page views are sent to the form; anything else is refused.
 */
function enforcePasswordChoice(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0];
  if (path === CHOOSE_PASSWORD_PATH) return;
  if (request.method === 'GET') {
    return reply.redirect(`${CHOOSE_PASSWORD_PATH}?next=${encodeURIComponent(request.url)}`, 303);
  }
  throw new AppError('forbidden', 'Choose a new password first: your administrator set a temporary one.');
}

export function actorOf(request: FastifyRequest): Actor {
  const s = request.signedIn;
  return s
    ? { accountId: s.accountId, label: s.username, role: s.role, ip: request.ip }
    : { accountId: null, label: 'anonymous', role: 'member', ip: request.ip };
}

export function setSessionCookie(reply: FastifyReply, app: App, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: app.deps.config.secureCookies,
    maxAge: Math.floor(app.deps.config.sessionAbsoluteMs / 1000),
  });
}

/**
 * Every route states its access in `config.access`; a route without it is refused at start-up, so a
 * new page cannot be reachable by accident. The check itself runs on the server for every request.
 */
export function registerAccess(server: FastifyInstance, app: App): void {
  server.decorateRequest('signedIn', null);
  server.decorate('accessTable', []);
  server.addHook('onRoute', (route) => {
    if (route.method === 'HEAD') return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access rule`);
    for (const method of [route.method].flat()) server.accessTable.push({ method, url: route.url, access });
  });
  server.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    request.signedIn = token ? await resolveSession(app.deps, token) : null;
  });
  server.addHook('preHandler', async (request, reply) => {
    const access = request.routeOptions.config.access ?? 'signedIn';
    if (access !== 'public') {
      if (!request.signedIn) {
        if (request.method === 'GET') {
          return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
        }
        throw new AppError('unauthenticated', 'Your session has ended. Log in again.');
      }
      if (request.signedIn.mustChangePassword) {
        const sent = enforcePasswordChoice(request, reply);
        if (sent) return sent;
      }
      if (access !== 'signedIn') requirePermission(actorOf(request), access);
    }
    if (request.method === 'POST') {
      await new Promise<void>((resolve, reject) =>
        server.csrfProtection(request, reply, ((err?: Error) =>
          err ? reject(err) : resolve()) as () => void),
      );
    }
  });
}
