import { and, eq, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { accounts, members, type Role, sessions } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { hasSecondStepSql, secondStepRequiredSql } from '../twoStep/secondSteps.ts';
import { hashToken, newToken } from './tokens.ts';

export type SignedIn = {
  accountId: number;
  memberId: number;
  username: string;
  role: Role;
  firstName: string;
  lastName: string;
  mustChangePassword: boolean;
  /** The role requires a second step and the login has none yet: set-up comes first (access.ts). */
  mustSetUpSecondStep: boolean;
  /** The login has a second step, and when this session last proved one (step-up, src/domain/stepUp/). */
  hasSecondStep: boolean;
  secondStepAt: Date | null;
  tokenHash: string;
};

// Writing last_seen_at on every request would turn each page view into a write; once a minute is enough.
const TOUCH_INTERVAL_MS = 60_000;

export type SessionClient = { ip: string | null; userAgent: string | null };

/** A user agent as stored (sessions, login history): enough to recognise a browser, bounded. */
export const storedUserAgent = (userAgent: string | null) => userAgent?.slice(0, 300) ?? null;

/**
 * The one place a session row is written: a fresh token, of which only the hash is stored; returns the
 * token for the cookie. `alongside` are common table expressions run in the same statement (login touches
 * the account and appends to its history in one atomic round trip).
 */
export async function insertSession(
  db: DbOrTx,
  session: { accountId: number; now: Date; expiresAt: Date; client: SessionClient },
  alongside?: SQL,
): Promise<string> {
  const { accountId, now, expiresAt, client } = session;
  const token = newToken();
  await db.execute(sql`${alongside ? sql`with ${alongside} ` : sql.empty()}
    insert into sessions (token_hash, account_id, created_at, last_seen_at, expires_at, ip, user_agent)
    values (${hashToken(token)}, ${accountId}, ${now}, ${now}, ${expiresAt}, ${client.ip}, ${storedUserAgent(client.userAgent)})`);
  return token;
}

/** A new session, for as long as a login lasts (SESSION_ABSOLUTE). */
export function startSession(
  tx: DbOrTx,
  deps: Pick<Deps, 'clock' | 'config'>,
  accountId: number,
  client: SessionClient,
): Promise<string> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.sessionAbsoluteMs);
  return insertSession(tx, { accountId, now, expiresAt, client });
}

/** The signed-in account for a session cookie, or null when it is unknown, idle too long or expired. */
export async function resolveSession(deps: Deps, token: string): Promise<SignedIn | null> {
  const tokenHash = hashToken(token);
  const [row] = await deps.db
    .select({
      accountId: accounts.id,
      memberId: members.id,
      username: accounts.username,
      role: accounts.role,
      firstName: members.firstName,
      lastName: members.lastName,
      mustChangePassword: accounts.mustChangePassword,
      mustSetUpSecondStep:
        sql`${secondStepRequiredSql(sql`${accounts.role}`)} and not ${hasSecondStepSql(sql`${accounts.id}`)}`.mapWith(
          Boolean,
        ),
      hasSecondStep: hasSecondStepSql(sql`${accounts.id}`).mapWith(Boolean),
      secondStepAt: sessions.secondStepAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .innerJoin(members, eq(members.id, accounts.memberId))
    .where(eq(sessions.tokenHash, tokenHash))
    .limit(1);
  if (!row) return null;
  const now = deps.clock.now().getTime();
  if (row.expiresAt.getTime() <= now || now - row.lastSeenAt.getTime() > deps.config.sessionIdleMs) {
    await deps.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await deps.db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.tokenHash, tokenHash));
  }
  const { lastSeenAt: _seen, expiresAt: _expires, ...signedIn } = row;
  return { ...signedIn, tokenHash };
}

/**
 * A new token for a session whose owner just changed their password: whoever copied the old cookie
 * (another device, a shared computer) loses it. The absolute expiry stays the original one, so renewing
 * never extends how long a login lasts. Null when the old session is gone already.
 */
export async function renewSession(
  deps: Pick<Deps, 'db' | 'clock'>,
  oldToken: string,
  client: SessionClient,
): Promise<string | null> {
  return deps.db.transaction(async (tx) => {
    const [old] = await tx
      .delete(sessions)
      .where(eq(sessions.tokenHash, hashToken(oldToken)))
      .returning();
    if (!old) return null;
    return insertSession(tx, {
      accountId: old.accountId,
      now: deps.clock.now(),
      expiresAt: old.expiresAt,
      client,
    });
  });
}

export async function endSession(deps: Pick<Deps, 'db'>, token: string): Promise<void> {
  await deps.db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

/** Ends every session of an account except (optionally) the one making the change. */
export async function endOtherSessions(tx: DbOrTx, accountId: number, keepTokenHash?: string): Promise<void> {
  await tx
    .delete(sessions)
    .where(
      keepTokenHash
        ? and(eq(sessions.accountId, accountId), ne(sessions.tokenHash, keepTokenHash))
        : eq(sessions.accountId, accountId),
    );
}

/** Housekeeping for the worker: drop sessions nobody can use any more. */
export async function purgeExpiredSessions(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const idleCutoff = new Date(now.getTime() - deps.config.sessionIdleMs);
  await deps.db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleCutoff)));
}
