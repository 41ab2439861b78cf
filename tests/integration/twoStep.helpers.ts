import { and, eq } from 'drizzle-orm';
import { auditEvents, authenticatorApps, emailMessages } from '../../src/db/schema.ts';
import { totpCode } from '../../src/domain/twoStep/totp.ts';
import type { browser } from '../factories.ts';
import type { TestApp } from '../harness.ts';
import { readPage } from '../page.ts';

type Browser = ReturnType<typeof browser>;

/** The key /home/security shows as text (spaces as shown), without the spaces. */
export const keyOnPage = (html: string) =>
  (/id="secret-key">([A-Z2-7 ]+)</.exec(html)?.[1] ?? '').replace(/ /g, '');

/** The recovery codes a page lists (shown once). */
export const codesOnPage = (html: string) => {
  const list = readPage(html).getByRole('list', { name: 'Recovery codes' });
  return [...list.querySelectorAll('code')].map((c) => c.textContent ?? '');
};

/** Sets up the authenticator app at /home/security as a person would; returns its secret and codes. */
export async function setUpAuthenticator(app: TestApp, b: Browser, formPage = '/home/security') {
  const page = await b.get(formPage);
  const secret = keyOnPage(page.body);
  const next = new URL(formPage, 'http://x').searchParams.get('next') ?? '';
  const done = await b.submit(formPage, '/home/security/authenticator', {
    code: totpCode(secret, app.clock.now()),
    next,
  });
  return { secret, done, codes: done.statusCode === 200 ? codesOnPage(done.body) : [] };
}

/** Logs in with the password only: the answer (a redirect to /login/verify for a login with a second step). */
export const passwordStep = (b: Browser, username: string, password: string) =>
  b.submit('/login', '/login', { username, password });

export const typeCode = (b: Browser, code: string) => b.submit('/login/verify', '/login/verify', { code });

export async function emailsOfKind(app: TestApp, kind: 'second_step_added' | 'second_step_removed') {
  return app.deps.db.select().from(emailMessages).where(eq(emailMessages.kind, kind));
}

export async function auditActions(app: TestApp, action: string) {
  return app.deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action)));
}

export async function lastStepOf(app: TestApp, accountId: number) {
  const [row] = await app.deps.db
    .select({ lastStep: authenticatorApps.lastStep })
    .from(authenticatorApps)
    .where(eq(authenticatorApps.accountId, accountId));
  return row?.lastStep ?? null;
}
