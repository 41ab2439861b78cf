/**
 * bench/clear-all.ts's data on top of bench/lib/roster.ts (60% of members with a login): what a clear
 * touches besides accounts — 0.3% as many rounds as members started by random logins (their started_by
 * is set to NULL per deleted login), one invitation for 80% of members, 2 login_history rows per member —
 * and a Security Administrator with a real password (the form checks it). Also the ceiling: the clear's
 * and the restore's statements bare, with has_login set by one UPDATE, no triggers, no application.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/connect.ts';
import { withForeignKeysSetAside } from '../../src/db/foreignKeysSetAside.ts';
import { queryRows } from '../../src/db/rows.ts';
import { hashPassword } from '../../src/domain/accounts/passwords.ts';
import { keysSetAsideFor } from '../../src/domain/clearAllUsernames/clearLogins.ts';
import { accountColumnList, clearedColumnList } from '../../src/domain/clearAllUsernames/loginColumns.ts';
import { restoreInsert } from '../../src/domain/clearAllUsernames/restoreClearedLogins.ts';
import { dropIndexes, loadLoginHistory } from './roster.ts';

export const ADMIN = { username: 'benchadmin', password: 'bench-admin-password-1' };

export async function loadClearAllActivity(db: Db, n: number): Promise<number> {
  await db.execute(sql`select setseed(0.17)`);
  await db.execute(sql`
    insert into invitation_rounds (kind, started_by, started_by_label, started_at, total, finished_at)
    select 'single', (1 + floor(random() * a.n))::bigint, 'Bench', now() - g * interval '1 hour', 1, now()
    from (select max(id) n from accounts) a, generate_series(1, ${Math.max(300, Math.round(n * 0.003))}) g`);
  const invitationIndexes = await dropIndexes(db, ['invitations']);
  await db.execute(sql`
    insert into invitations (member_id, token_hash, code_hash, created_at, expires_at, used_at, replaces_login)
    select id, 't' || id, 'c', c, c + interval '14 days', case when has_login then c + interval '1 day' end,
           not has_login and random() < 0.01
    from (select id, has_login, random() x, now() - random() * interval '120 days' c from members) m
    where x < 0.8`);
  for (const def of invitationIndexes) await db.execute(sql.raw(def));
  await loadLoginHistory(db, n);
  const hash = await hashPassword(ADMIN.password);
  const [admin] = await queryRows(
    db,
    sql`with m as (
          insert into members (member_number, first_name, last_name, email, email_lower)
          values ('ADMIN1', 'Bench', 'Admin', 'admin@example.org', 'admin@example.org') returning id)
        insert into accounts (member_id, username, username_lower, password_hash, role, created_at, password_changed_at)
        select id, ${ADMIN.username}, ${ADMIN.username}, ${hash}, 'security_admin', now(), now() from m
        returning id`,
    { id: 'number' },
  );
  for (const t of ['members', 'accounts', 'invitation_rounds', 'invitations', 'login_history'])
    await db.execute(sql.raw(`vacuum analyze ${t}`));
  return admin!.id;
}

const triggers = (on: boolean) => sql.raw(`alter table accounts ${on ? 'enable' : 'disable'} trigger user`);
const newClear = sql`insert into login_clears (at, actor_label, included_admins, removed, restorable_until)
  values (now(), 'bench', false, 0, now() + interval '1 day') returning id`;
const setHasLogin = (value: boolean, clearId: SQL) => sql`
  update members m set has_login = ${value}, updated_at = greatest(m.updated_at, now())
  from cleared_logins c where c.clear_id = ${clearId} and m.id = c.member_id`;

/** Runs `setup` then `work` in a transaction that is rolled back; the seconds of `work`. */
export async function rolledBack(
  db: Db,
  work: (tx: Db) => Promise<unknown>,
  setup?: (tx: Db) => Promise<unknown>,
): Promise<number> {
  let s = 0;
  await db
    .transaction(async (tx) => {
      await setup?.(tx as unknown as Db);
      const t = performance.now();
      await work(tx as unknown as Db);
      s = (performance.now() - t) / 1000;
      throw new Error('rollback');
    })
    .catch((e: unknown) => {
      if (!(e instanceof Error && e.message === 'rollback')) throw e;
    });
  // The rolled-back rows are dead entries in every index they touched: a rolled-back restore leaves 600k
  // in accounts' indexes, and the restore page's per-copy probes then read them all (minutes at 1M).
  await db.execute(sql`vacuum analyze members, accounts, cleared_logins`);
  return s;
}

/**
 * The ceiling of a clear: its move statement (with the foreign keys set aside, as the clear does) and one
 * has_login update, triggers off, rolled back.
 */
export const bareClear = (db: Db, adminId: number) => {
  let clearId = 0;
  return rolledBack(
    db,
    async (tx) => {
      await withForeignKeysSetAside(tx as never, keysSetAsideFor(clearId), () =>
        tx.execute(sql`
          with removed as (delete from accounts where id <> ${adminId}::bigint and role = 'member' returning *)
          insert into cleared_logins (clear_id, ${clearedColumnList()})
          select ${clearId}::bigint, ${accountColumnList()} from removed`),
      );
      await tx.execute(setHasLogin(false, sql`${clearId}::bigint`));
    },
    async (tx) => {
      await tx.execute(triggers(false));
      clearId = (await queryRows(tx, newClear, { id: 'number' }))[0]!.id;
    },
  );
};

/** The ceiling of a restore: its insert and one has_login update, triggers off, rolled back. */
export const bareRestore = (db: Db, clearId: number) =>
  rolledBack(
    db,
    async (tx) => {
      await tx.execute(restoreInsert(clearId));
      await tx.execute(setHasLogin(true, sql`${clearId}::bigint`));
    },
    (tx) => tx.execute(triggers(false)),
  );
