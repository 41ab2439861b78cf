import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { CHALLENGE_MS } from '../domain/twoStep/loginChallenges.ts';
import { paths } from './paths.ts';

// A cookie of its own, never the session cookie: a pending sign-in opens nothing but /login/verify.
const pendingCookieName = (app: App) => (app.deps.config.secureCookies ? '__Host-gh_pending' : 'gh_pending');

const options = (app: App) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax', secure: app.deps.config.secureCookies }) as const;

/** The pending sign-in's token (twoStep/loginChallenges.ts), if this browser has one. */
export const pendingTokenOf = (request: FastifyRequest, app: App): string | undefined =>
  request.cookies[pendingCookieName(app)];

/** Sets the pending sign-in cookie (five minutes, like the challenge). */
export function setPendingCookie(reply: FastifyReply, app: App, token: string): void {
  reply.setCookie(pendingCookieName(app), token, { ...options(app), maxAge: CHALLENGE_MS / 1000 });
}

export function clearPendingCookie(reply: FastifyReply, app: App): void {
  reply.clearCookie(pendingCookieName(app), { path: '/', secure: app.deps.config.secureCookies });
}

/** Where a sign-in owing its second step continues: /login/verify, keeping where it was heading. */
export const verifyPath = (next: string | undefined) =>
  next ? `${paths.loginVerify}?next=${encodeURIComponent(next)}` : paths.loginVerify;
