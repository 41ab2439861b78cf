import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { resolveSession, type SignedIn } from '../domain/auth/sessions.ts';
import { type Actor, type Permission, requirePermission } from '../domain/policy.ts';
import { AppError } from '../errors.ts';
import type { Csrf } from './csrf.ts';
import { paths } from './paths.ts';

// __Host-: over https only this exact host can set the cookie (no sibling subdomain can plant one).
const sessionCookieName = (app: App) => (app.deps.config.secureCookies ? '__Host-gh_session' : 'gh_session');
// Set beside a session cookie the person asked to keep, so that a renewed session keeps it too.
const keepCookieName = (app: App) => (app.deps.config.secureCookies ? '__Host-gh_keep' : 'gh_keep');

/**
 * Who may reach a route: anyone, anyone signed in, holders of one permission, or (`api`) a request
 * carrying an API token with the route's scope — checked by the JSON API's own hook (src/http/api/).
 */
export type Access = 'public' | 'signedIn' | 'api' | Permission;

/** Under /api/ no cookie counts: a browser's session cannot be ridden by a page that calls the API. */
export const isApiRequest = (request: FastifyRequest) => request.url.startsWith('/api/');

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** 'in-handler': the handler checks the form token itself (a streamed upload reads it first). */
    csrf?: 'in-handler';
  }
  interface FastifyRequest {
    signedIn: SignedIn | null;
  }
  interface FastifyInstance {
    /** Every route with its access rule, for the policy-matrix test and for reviewing access. */
    accessTable: { method: string; url: string; access: Access }[];
    csrf: Csrf;
  }
}

/**
 * The forced password change: a signed-in account whose password an administrator set may only choose
 * its own (and log out, which is public), at paths.choosePassword. Page views are sent to the form;
 * anything else is refused.
 */
function enforcePasswordChoice(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0];
  if (path === paths.choosePassword) return;
  if (request.method === 'GET') {
    return reply.redirect(`${paths.choosePassword}?next=${encodeURIComponent(request.url)}`, 303);
  }
  throw new AppError('forbidden', 'Choose a new password first: your administrator set a temporary one.');
}

/**
 * The forced set-up of a second step (a Security Administrator without one, or an Administrator when the
 * organisation requires it): only the Two-step verification pages, reached the same way as the forced
 * password change, so typing another URL cannot skip it.
 */
function enforceSecondStepSetUp(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0]!;
  if (path === paths.homeSecurity || path.startsWith(`${paths.homeSecurity}/`)) return;
  if (request.method === 'GET') {
    return reply.redirect(`${paths.homeSecurity}?next=${encodeURIComponent(request.url)}`, 303);
  }
  throw new AppError('forbidden', 'Set up two-step verification first: your access level requires it.');
}

export function actorOf(request: FastifyRequest): Actor {
  const s = request.signedIn;
  return s
    ? { accountId: s.accountId, label: s.username, role: s.role, ip: request.ip }
    : { accountId: null, label: 'anonymous', role: 'member', ip: request.ip };
}

/** The session token the request carries, if any. */
export const sessionTokenOf = (request: FastifyRequest, app: App): string | undefined =>
  request.cookies[sessionCookieName(app)];

/** Whether the session cookie was set to outlive the browser ("Keep me signed in"). */
export const keepsSession = (request: FastifyRequest, app: App): boolean =>
  request.cookies[keepCookieName(app)] === '1';

/**
 * The session cookie ends with the browser unless the person asked to stay signed in; then it lasts
 * as long as the session may (its absolute timeout). The server ends idle sessions either way.
 */
export function setSessionCookie(reply: FastifyReply, app: App, token: string, keep = false): void {
  const options = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: app.deps.config.secureCookies,
    ...(keep ? { maxAge: Math.floor(app.deps.config.sessionAbsoluteMs / 1000) } : {}),
  } as const;
  reply.setCookie(sessionCookieName(app), token, options);
  if (keep) reply.setCookie(keepCookieName(app), '1', options);
  else reply.clearCookie(keepCookieName(app), { path: '/', secure: app.deps.config.secureCookies });
  // A new session gets a new CSRF secret: forms from before it stop working.
  reply.server.csrf.renew(reply);
}

export function clearSessionCookie(reply: FastifyReply, app: App): void {
  const options = { path: '/', secure: app.deps.config.secureCookies };
  reply.clearCookie(sessionCookieName(app), options);
  reply.clearCookie(keepCookieName(app), options);
  reply.server.csrf.renew(reply);
}

/**
 * Every route states its access in `config.access`; a route without it is refused at start-up, so a
 * new page cannot be reachable by accident. The check itself runs on the server for every request.
 */
export function registerAccess(server: FastifyInstance, app: App, csrf: Csrf): void {
  server.decorateRequest('signedIn', null);
  server.decorate('csrf', csrf);
  server.decorate('accessTable', []);
  server.addHook('onRoute', (route) => {
    if (route.method === 'HEAD') return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access rule`);
    for (const method of [route.method].flat()) server.accessTable.push({ method, url: route.url, access });
  });
  server.addHook('onRequest', async (request) => {
    if (isApiRequest(request)) return;
    const token = sessionTokenOf(request, app);
    request.signedIn = token ? await resolveSession(app.deps, token) : null;
  });
  server.addHook('preHandler', async (request, reply) => {
    const access = request.routeOptions.config.access ?? 'signedIn';
    // Bearer tokens, not cookies (api/apiAuth.ts): no session to check, no cross-site form to guard against.
    if (access === 'api' || isApiRequest(request)) return;
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
      } else if (request.signedIn.mustSetUpSecondStep) {
        const sent = enforceSecondStepSetUp(request, reply);
        if (sent) return sent;
      }
      if (access !== 'signedIn') requirePermission(actorOf(request), access);
    }
    if (request.method === 'POST' && request.routeOptions.config.csrf !== 'in-handler') {
      csrf.check(request, (request.body as Record<string, unknown> | undefined)?._csrf);
    }
  });
}
