/**
 * Shared by the benchmarks: a roster of n members loaded set-based into a migrated, empty database, and the
 * timing helpers. The load: 80% current, 60% with a login, 90% of logins with a Last Login over the past
 * year, 70% invited; 5% of the invited without a login failed, 0.5% of those with one. Members and accounts
 * indexes are dropped during the load and re-created from their own definitions, the has_login trigger is off
 * (has_login is set directly), then VACUUM ANALYZE. Account ids run 1…(number of logins), in member order.
 */
import { randomBytes } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import type { Db } from '../../src/db/connect.ts';
import { queryRows } from '../../src/db/rows.ts';

const FIRST =
  'Ada Ben Chloe Dev Elena Femi Grace Hiro Isla Jonas Kai Lena Mo Nia Omar Pia Quinn Rosa Sven Tess'.split(
    ' ',
  );
const LAST =
  'Smith Jones Okafor Novak Rossi Tanaka Silva Dubois Meyer Patel Walsh Kim Chen Byrne Costa'.split(' ');
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`);

// A member who joined had their invitation delivered: failures are 5% of the invited without a login and
// 0.5% of those with one (a later email, e.g. after a Re-enable, that bounced).
const FAILED = sql.raw('case when r2 < 0.6 then 0.005 else 0.05 end');
const loadMembers = (from: number, to: number) => sql`
  insert into members (member_number, first_name, last_name, email, email_lower, status, has_login,
                       invitations_sent, last_invited_at, delivery_state, delivery_detail)
  select 'M' || lpad(g::text, 7, '0'), f, l, e, e, case when r1 < 0.2 then 'lapsed' else 'current' end, r2 < 0.6,
         case when r3 < 0.3 then 0 else 1 end, case when r3 < 0.3 then null else now() - r4 * interval '200 days' end,
         case when r3 < 0.3 then null when r5 < ${FAILED} then 'failed' else 'sent' end,
         case when r3 >= 0.3 and r5 < ${FAILED} then '550 5.1.1 mailbox unavailable' end
  from (select g, f, l, lower(f || '.' || l || g || '@example.org') e, r1, r2, r3, r4, r5 from (
    select g, (${arr(FIRST)})[1 + floor(random() * ${FIRST.length})::int] f,
           (${arr(LAST)})[1 + floor(random() * ${LAST.length})::int] || (g % 997)::text l,
           random() r1, random() r2, random() r3, random() r4, random() r5
    from generate_series(${from}::int, ${to}::int) g) s) s2`;

const loadAccounts = sql`
  insert into accounts (member_id, username, username_lower, password_hash, created_at, last_login_at)
  select id, 'user' || id, 'user' || id, 'x', c, case when random() < 0.9 then c + random() * (now() - c) end
  from (select id, now() - random() * interval '730 days' c from members where has_login) s`;

/** Drops a table's secondary indexes and returns their definitions, to re-create after a bulk load. */
export async function dropIndexes(db: Db, tables: string[]): Promise<string[]> {
  const indexes = await queryRows(
    db,
    sql`select indexname, indexdef from pg_indexes
        where tablename in (${sql.join(
          tables.map((t) => sql`${t}`),
          sql`, `,
        )}) and indexname not like '%pkey'`,
    { indexname: 'text', indexdef: 'text' },
  );
  for (const i of indexes) await db.execute(sql.raw(`drop index "${i.indexname}"`));
  return indexes.map((i) => i.indexdef);
}

/** Loads n members and their logins; returns the seconds it took (load, indexes, analyze). */
export async function loadRoster(db: Db, n: number): Promise<number> {
  const started = performance.now();
  // Bulk loads build indexes faster than they maintain them: drop, load, re-create from their definitions.
  const indexes = await dropIndexes(db, ['members', 'accounts']);
  await db.execute(sql`alter table accounts disable trigger accounts_sync_has_login`); // has_login set directly
  await db.execute(sql`select setseed(0.42)`);
  for (let done = 0; done < n; done += 250_000)
    await db.execute(loadMembers(done + 1, Math.min(done + 250_000, n)));
  await db.execute(loadAccounts);
  await db.execute(sql`alter table accounts enable trigger accounts_sync_has_login`);
  for (const def of indexes) await db.execute(sql.raw(def));
  await db.execute(sql`vacuum analyze members`);
  await db.execute(sql`vacuum analyze accounts`);
  return (performance.now() - started) / 1000;
}

/** Login history: `perMember` rows per member over 180 days, for random logins (indexes rebuilt after). */
export async function loadLoginHistory(db: Db, members: number, perMember = 2): Promise<void> {
  const historyIndexes = await dropIndexes(db, ['login_history']);
  await db.execute(sql`
    insert into login_history (account_id, at, ip, user_agent)
    select (1 + floor(random() * a.n))::bigint, now() - random() * interval '180 days', '10.0.0.1', 'bench'
    from (select max(id) n from accounts) a, generate_series(1, ${perMember * members}) g`);
  for (const def of historyIndexes) await db.execute(sql.raw(def));
}

export const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** Median and p95 in ms of `reps` calls after 3 warm-up calls; `before` runs untimed before each call. */
export async function time(reps: number, run: () => Promise<unknown>, before?: () => unknown) {
  for (let i = 0; i < 3; i++) {
    await before?.();
    await run();
  }
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    await before?.();
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return { median: quantile(ms, 0.5), p95: quantile(ms, 0.95) };
}

/** A fresh database on the server of `serverUrl`; `drop` removes it (with force). */
export async function scratchDatabase(serverUrl: string) {
  const name = `gatehouse_bench_${randomBytes(5).toString('hex')}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  await server.query(`create database ${name}`);
  await server.query(`alter database ${name} set maintenance_work_mem = '512MB'`); // index builds only
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await server.query(`drop database if exists ${name} with (force)`);
      await server.end();
    },
    async end() {
      await server.end();
    },
  };
}

/** A Db that remembers the statements it ran, so that EXPLAIN ANALYZE can run exactly those. */
export function recording(db: Db): { db: Db; last: SQL[] } {
  const last: SQL[] = [];
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'execute') return Reflect.get(target, prop, receiver);
      return (q: SQL) => {
        last.push(q);
        return target.execute(q);
      };
    },
  });
  return { db: proxy, last };
}
