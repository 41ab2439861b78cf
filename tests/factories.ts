import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { accounts, authenticatorApps, members, type Role } from '../src/db/schema.ts';
import { systemActor } from '../src/domain/policy.ts';
import { createAdminLogin } from '../src/domain/setup/createAdminLogin.ts';
import { newTotpSecret, totpCode } from '../src/domain/twoStep/totp.ts';
import type { TestApp } from './harness.ts';

export const GOOD_PASSWORD = 'violet tractor umbrella 42';

let sequence = 0;

/**
 * The authenticator apps of the logins buildLogin made, by lower-cased username, so that `logIn` can type
 * the code an app would show (the test's own app: its clock, its database).
 */
const authenticators = new Map<string, { secret: string; accountId: number; app: TestApp }>();

/** A confirmed authenticator app for a login (what set-up at /home/security leaves); returns its secret. */
export async function giveAuthenticator(app: TestApp, login: { accountId: number; username: string }) {
  const secret = newTotpSecret();
  const now = app.clock.now();
  await app.deps.db
    .insert(authenticatorApps)
    .values({ accountId: login.accountId, secret, createdAt: now, confirmedAt: now });
  authenticators.set(login.username.toLowerCase(), { secret, accountId: login.accountId, app });
  return secret;
}

/** A member with a login of the given role; returns what a test needs to log in as them. */
export async function buildLogin(
  app: TestApp,
  overrides: { role?: Role; username?: string; password?: string; secondStep?: boolean } = {},
) {
  sequence += 1;
  const username = overrides.username ?? `user${sequence}`;
  const password = overrides.password ?? GOOD_PASSWORD;
  const role = overrides.role ?? 'member';
  const created = await app.deps.db.transaction((tx) =>
    createAdminLogin(
      tx,
      {
        firstName: `First${sequence}`,
        lastName: `Last${sequence}`,
        email: `${username}@example.org`,
        username,
        password,
        memberNumber: `T${String(sequence).padStart(5, '0')}`,
        // createAdminLogin only knows admin roles; a plain member login is created the same way.
        role: role === 'member' ? 'admin' : role,
      },
      { now: app.clock.now(), passwordMinLength: app.config.passwordMinLength },
    ),
  );
  if (role === 'member') {
    await app.deps.db.update(accounts).set({ role: 'member' }).where(eq(accounts.id, created.accountId));
  }
  // Security Administrators must have a second step (else every page sends them to set one up).
  const wantsSecondStep = overrides.secondStep ?? role === 'security_admin';
  const totpSecret = wantsSecondStep ? await giveAuthenticator(app, { ...created, username }) : null;
  return {
    ...created,
    password,
    role,
    totpSecret,
    actor: { ...systemActor(username), accountId: created.accountId, role },
  };
}

/** Cookies from a response, as a `cookie` header value merged over earlier ones. */
export function mergeCookies(previous: string, res: LightMyRequestResponse): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => c.split('=') as [string, string]),
  );
  for (const c of res.cookies) jar.set(c.name, c.value);
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

export const csrfFrom = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
/** The first repeat-safe form key on a page (Send, Send All), sent back as a browser would. */
export const formKeyFrom = (html: string): Record<string, string> => {
  const key = /name="idempotency_key" value="([^"]+)"/.exec(html)?.[1];
  return key ? { idempotency_key: key } : {};
};

/** The `next` a /login/verify URL carries on, as the page's hidden field would. */
const nextOf = (location: string) => new URL(location, 'http://portal').searchParams.get('next') ?? '';

/** A browser-like client: keeps cookies, and fills in the CSRF token of the page a form came from. */
export function browser(server: FastifyInstance) {
  let cookies = '';
  return {
    get cookies() {
      return cookies;
    },
    async get(url: string) {
      const res = await server.inject({ method: 'GET', url, headers: { cookie: cookies } });
      cookies = mergeCookies(cookies, res);
      return res;
    },
    /** GETs `formPage` for its CSRF token, then POSTs `fields` to `action`. */
    async submit(formPage: string, action: string, fields: Record<string, string>) {
      const page = await this.get(formPage);
      const res = await server.inject({
        method: 'POST',
        url: action,
        headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfFrom(page.body),
          ...formKeyFrom(page.body),
          ...fields,
        }).toString(),
      });
      cookies = mergeCookies(cookies, res);
      return res;
    },
    /**
     * Logs in; a login with an authenticator app (giveAuthenticator) gets its second step too, and the
     * answer is then /login/verify's. The fixed test clock never moves, so the code of one step is typed
     * again at every login: the app's last used step is forgotten first (replay is twoStep*.test.ts's).
     */
    async logIn(username: string, password: string) {
      const res = await this.submit('/login', '/login', { username, password });
      const location = String(res.headers.location ?? '');
      const authenticator = authenticators.get(username.trim().toLowerCase());
      if (!location.startsWith('/login/verify') || !authenticator) return res;
      const { app, secret, accountId } = authenticator;
      await app.deps.db
        .update(authenticatorApps)
        .set({ lastStep: null })
        .where(eq(authenticatorApps.accountId, accountId));
      return this.submit(location, '/login/verify', {
        code: totpCode(secret, app.clock.now()),
        next: nextOf(location),
      });
    },
  };
}

/** A roster member without a login. */
export async function buildMember(
  app: TestApp,
  overrides: Partial<{
    firstName: string;
    lastName: string;
    email: string;
    memberNumber: string;
    status: 'current' | 'lapsed';
  }> = {},
) {
  sequence += 1;
  const email = overrides.email ?? `member${sequence}@example.org`;
  const [member] = await app.deps.db
    .insert(members)
    .values({
      memberNumber: overrides.memberNumber ?? `M${String(sequence).padStart(6, '0')}`,
      firstName: overrides.firstName ?? `Firstname${sequence}`,
      lastName: overrides.lastName ?? `Lastname${sequence}`,
      email,
      emailLower: email.toLowerCase(),
      status: overrides.status ?? 'current',
      createdAt: app.clock.now(),
      updatedAt: app.clock.now(),
    })
    .returning();
  return member!;
}
