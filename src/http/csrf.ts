import csrfTokens from '@fastify/csrf';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { csrfSigningKey } from '../domain/auth/csrfKey.ts';
import { hashToken } from '../domain/auth/tokens.ts';

/** A form came without a token this visitor's session could have been given. */
export class CsrfRejected extends Error {
  constructor() {
    super('Invalid or missing form token');
    this.name = 'CsrfRejected';
  }
}

export type Csrf = ReturnType<typeof csrfFor> extends Promise<infer C> ? C : never;

/**
 * Double-submit tokens (a random secret in an HttpOnly cookie, a token derived from it in each form),
 * bound to the session: the token also signs a hash of the session cookie with a server-side key, so a
 * token from before logging in, from another session or minted by someone who planted the secret
 * cookie does not pass. The secret itself is replaced whenever a session starts or ends.
 */
export async function csrfFor(app: App, sessionTokenOf: (request: FastifyRequest) => string | undefined) {
  const { config } = app.deps;
  const tokens = new csrfTokens.Tokens({ userInfo: true, hmacKey: await csrfSigningKey(app.deps) });
  // __Host-: only this exact host over https may set it, so a sibling subdomain cannot plant a secret.
  const cookieName = config.secureCookies ? '__Host-gh_csrf' : 'gh_csrf';
  const cookieOptions = { path: '/', sameSite: 'lax', httpOnly: true, secure: config.secureCookies } as const;
  // Bound to the session cookie the browser holds (even one that has just timed out, so Log out still
  // works), not to whether it is valid: a login replaces the cookie and with it every token.
  const boundTo = (request: FastifyRequest) => {
    const session = sessionTokenOf(request);
    return session ? hashToken(session) : 'anonymous';
  };

  // A secret set earlier in this same response (the cookie the request carried is then out of date).
  const setNow = new WeakMap<FastifyRequest, string>();
  const newSecret = (reply: FastifyReply) => {
    const secret = tokens.secretSync();
    reply.setCookie(cookieName, secret, cookieOptions);
    setNow.set(reply.request, secret);
    return secret;
  };
  const secretOf = (request: FastifyRequest) => setNow.get(request) ?? request.cookies[cookieName];

  return {
    cookieName,
    /** A token for the forms of the page being rendered. */
    tokenFor(request: FastifyRequest, reply: FastifyReply): string {
      return tokens.create(secretOf(request) ?? newSecret(reply), boundTo(request));
    },
    /** Throws `CsrfRejected` unless `token` was issued for this visitor's secret and session. */
    check(request: FastifyRequest, token: unknown): void {
      const secret = request.cookies[cookieName];
      if (!secret || typeof token !== 'string' || !tokens.verify(secret, token, boundTo(request))) {
        throw new CsrfRejected();
      }
    },
    /** A fresh secret: forms issued before a login or logout stop working. */
    renew(reply: FastifyReply): void {
      newSecret(reply);
    },
  };
}
