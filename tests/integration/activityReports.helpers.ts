import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Page, PagePosition } from '../../src/db/keyset.ts';
import { accounts, invitations } from '../../src/db/schema.ts';
import { newInvitationSecret } from '../../src/domain/invitations/invitationSecrets.ts';
import { browser, buildLogin } from '../factories.ts';
import type { TestApp } from '../harness.ts';
import { readPage } from '../page.ts';

export const DAY = 24 * 60 * 60 * 1000;

/**
 * A signed-in browser. The login is back-dated a minute before logging in, so that the admin does not
 * count as "never logged in since the login was created" in the Login Activity report.
 */
export async function signedIn(app: TestApp, role: 'admin' | 'security_admin' | 'member' = 'admin') {
  const login = await buildLogin(app, { role });
  await app.deps.db
    .update(accounts)
    .set({ createdAt: new Date(app.clock.now().getTime() - 60_000) })
    .where(eq(accounts.id, login.accountId));
  const b = browser(await app.server());
  const res = await b.logIn(login.username, login.password);
  expect(res.statusCode).toBe(303);
  return { b, login };
}

/**
 * An invitation row, written directly: issued `issuedDaysAgo` ago, valid until `expiresInMs` from now. Returns
 * the row and its link token (as the email would carry it).
 */
export async function invite(
  app: TestApp,
  memberId: number,
  o: { issuedDaysAgo?: number; expiresInMs: number; used?: boolean; revoked?: boolean },
) {
  const now = app.clock.now().getTime();
  const secret = newInvitationSecret(memberId);
  const [row] = await app.deps.db
    .insert(invitations)
    .values({
      memberId,
      tokenHash: secret.tokenHash,
      codeHash: secret.codeHash,
      createdAt: new Date(now - (o.issuedDaysAgo ?? 0) * DAY),
      expiresAt: new Date(now + o.expiresInMs),
      usedAt: o.used ? new Date(now - 1000) : null,
      revokedAt: o.revoked ? new Date(now - 1000) : null,
    })
    .returning();
  return { ...row!, token: secret.token };
}

/** Member ids in the order a report page shows them: each row's name links to the member's profile. */
export const shownMemberIds = (html: string) =>
  readPage(html)
    .queryAllByRole('link')
    .map((a) => /^\/admin\/members\/(\d+)$/.exec(a.getAttribute('href') ?? '')?.[1])
    .filter((id) => id !== undefined)
    .map(Number);

/** Where the link named `text` goes, or undefined when the page has none. */
export const linkHref = (html: string, text: string) => readPage(html).link(text) ?? undefined;

/**
 * Walks a report forwards to its last page, then backwards to its first, and returns the ids of both walks
 * (each in report order) plus how many pages each took.
 */
export async function walkBothWays<R>(
  list: (position: PagePosition) => Promise<Page<R>>,
  idOf: (row: R) => number,
) {
  let page = await list({});
  expect(page.prev).toBeNull();
  const forward = [page.rows.map(idOf)];
  while (page.next) {
    page = await list({ after: page.next });
    forward.push(page.rows.map(idOf));
  }
  const backward = [page.rows.map(idOf)];
  while (page.prev) {
    page = await list({ before: page.prev });
    backward.unshift(page.rows.map(idOf));
  }
  return {
    forward: forward.flat(),
    backward: backward.flat(),
    pages: forward.length,
    pagesBack: backward.length,
  };
}
