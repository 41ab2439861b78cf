/**
 * Invitation Codes benchmark: listPendingMembers and countPendingMembers on 10k, 100k and 1M members in a
 * fresh PostgreSQL database, and on 10k and 100k in PGlite (in memory).
 *
 *   node --import tsx bench/invitation-codes.ts
 *
 * BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; "off" skips PostgreSQL) — a database is created
 * on that server for each size and dropped afterwards. BENCH_PG_SIZES (10000,100000,1000000),
 * BENCH_PGLITE_SIZES (10000,100000), BENCH_REPS (50), BENCH_EXPLAIN=1 prints EXPLAIN ANALYZE of every
 * case at the largest size of each engine, BENCH_KEEP_DB=1 keeps the PostgreSQL databases for a closer look,
 * BENCH_REUSE_DB=<name> measures such a kept database again (one size) instead of loading a new one.
 * A case and its bare SQL ceiling run interleaved, repetition by repetition; BENCH_CEILING_APART=1 times
 * each case's calls back to back and then its ceiling's, as the benchmark did before the list redesign
 * (to compare with that code by the same method).
 *
 * The roster is loaded set-based (INSERT … SELECT generate_series) with the members indexes dropped and
 * re-created from their own definitions afterwards, then VACUUM ANALYZE. About 30% of members have a login
 * (has_login set directly), 35% of the rest were never invited, 5% of invitations failed. Times are taken
 * around the domain call in this process (driver included), so they are what a page view waits for.
 * "Bare SQL" is the ceiling: the plainest hand-written query for the same rows (for a search, the
 * trigram-first query of PERFORMANCE.md), run through the same driver with nothing around it.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, type Db, openPglite, openPostgres } from '../src/db/connect.ts';
import type { Keyed } from '../src/db/keyset.ts';
import { queryRows } from '../src/db/rows.ts';
import { countPendingMembers } from '../src/domain/invitationCodes/countInvitationCodes.ts';
import {
  type PendingQuery,
  type PendingSort,
  pendingQueryInput,
  pendingQueryParams,
  type SortDir,
} from '../src/domain/invitationCodes/invitationCodesQuery.ts';
import { SEARCH_TEXT } from '../src/domain/invitationCodes/invitationCodesSearch.ts';
import { pendingKeyset } from '../src/domain/invitationCodes/invitationCodesSql.ts';
import { listPendingMembers } from '../src/domain/invitationCodes/listInvitationCodes.ts';
import { type Actor, systemActor } from '../src/domain/policy.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// An empty list (BENCH_PGLITE_SIZES=) skips that engine.
const sizes = (v: string | undefined, d: number[]) =>
  v === undefined ? d : v.split(',').filter(Boolean).map(Number);
// BENCH_MEMBERS (npm run bench) sets both engines' sizes; PGlite stops at 100k (1M takes 1.8 GB and 80 s
// to load) unless BENCH_PGLITE_SIZES asks for more.
const PG_SIZES = sizes(process.env.BENCH_PG_SIZES, benchMembers([10_000, 100_000, 1_000_000]));
const PGLITE_SIZES = sizes(
  process.env.BENCH_PGLITE_SIZES,
  benchMembers([10_000, 100_000]).filter((n) => n <= 100_000),
);
const REPS = Number(process.env.BENCH_REPS ?? 50);
const EXPLAIN = process.env.BENCH_EXPLAIN === '1';
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
/** A database kept earlier (BENCH_KEEP_DB=1, then renamed) to measure again without loading it again. */
const REUSE_DB = process.env.BENCH_REUSE_DB;
const CEILING_APART = process.env.BENCH_CEILING_APART === '1';
const admin: Actor = { ...systemActor('bench'), role: 'admin' };

const FIRST =
  `James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan
  Joseph Jessica Thomas Sarah Charles Karen Chris Nancy Daniel Lisa Matthew Betty Anthony Margaret Mark Sandra Paul
  Ashley Steven Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin Dorothy Brian Carol George Amanda Aisha Wei
  Li Mohammed Fatima Olga Sven Ingrid Hiroshi Yuki Chidi Ngozi Priya Arjun Zoë Åsa José Émile Siobhan Eoin`.split(
    /\s+/,
  );
const LAST =
  `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
  Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
  Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
  Campbell Mitchell Carter Roberts Shaw Patel Kim Li Wang Chen Singh Kumar Murphy Kelly O'Brien Byrne Ryan Walsh
  Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Novak Kowalski Nowak Dubois Laurent Rossi Russo
  Ferrari Esposito Bianchi Okafor Adeyemi Mensah Silva Santos Costa Oliveira Pereira Tanaka Suzuki Sato Yamamoto`.split(
    /\s+/,
  );
const SYL1 = 'Al Bar Cor Dal El Fen Gar Hal Is Jor Kal Lin Mor Nor Or Pen Quin Ros Stan Tor'.split(' ');
const SYL2 = 'a be di en ford gre ker lo mar nes ri sel ta ven wick bur dan hol ly ton'.split(' ');
const SYL3 = 'son field ley man ston wood berg ham ford well ridge more stead worth by'.split(' ');
const DOMAINS = 'gmail.com outlook.com yahoo.com hotmail.com icloud.com example.org proton.me web.de'.split(
  ' ',
);
const RARE = 'Featherstonehaugh';

const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`);

/** n members in one statement; the random columns come from one subquery so each row's values agree. */
function loadSql(from: number, to: number): SQL {
  return sql`
    insert into members (member_number, first_name, last_name, email, email_lower, status, has_login,
                         invitations_sent, last_invited_at, delivery_state, delivery_detail)
    select 'M' || lpad(g::text, 7, '0'), f,
           -- A few accented and typo-prone surnames, set here so the random stream (and the rest of
           -- the data) stays what it was before they were added.
           case when g % 5000 = 29 then 'Ångström' when g % 5000 = 41 then 'Castillo' else l end, e, lower(e),
           case when r3 < 0.2 then 'lapsed' else 'current' end,
           r4 < 0.3,
           case when r5 < 0.35 then 0 else 1 + floor(r6 * 4)::int end,
           case when r5 < 0.35 then null else now() - r6 * interval '120 days' end,
           case when r5 < 0.35 then null when r7 < 0.80 then 'sent' when r7 < 0.85 then 'logged'
                when r7 < 0.90 then 'deferred' when r7 < 0.95 then 'failed' when r7 < 0.97 then 'queued'
                else 'interrupted' end,
           case when r5 >= 0.35 and r7 >= 0.90 and r7 < 0.95 then '550 5.1.1 mailbox unavailable' end
    from (
      select g, f, l, r3, r4, r5, r6, r7,
             lower(replace(replace(f, 'ë', 'e'), 'Å', 'A')) || '.' || lower(replace(l, '''', '')) || g || '@' ||
               (${arr(DOMAINS)})[1 + floor(r8 * ${DOMAINS.length})::int] as e
      from (
        select g,
               (${arr(FIRST)})[1 + floor(random() * ${FIRST.length})::int] as f,
               case when g % 250000 = 17 then ${RARE}
                    when random() < 0.5 then (${arr(LAST)})[1 + floor(power(random(), 1.5) * ${LAST.length})::int]
                    else (${arr(SYL1)})[1 + floor(random() * ${SYL1.length})::int]
                      || (${arr(SYL2)})[1 + floor(random() * ${SYL2.length})::int]
                      || (${arr(SYL3)})[1 + floor(random() * ${SYL3.length})::int] end as l,
               random() r3, random() r4, random() r5, random() r6, random() r7, random() r8
        from generate_series(${from}::int, ${to}::int) g) s1) s2`;
}

async function load(db: Db, n: number): Promise<number> {
  const started = performance.now();
  // Bulk loads build indexes faster than they maintain them: drop the members indexes (except the
  // primary key), load, re-create each from its own definition.
  const indexes = await queryRows(
    db,
    sql`select indexname, indexdef from pg_indexes where tablename = 'members' and indexname <> 'members_pkey'`,
    { indexname: 'text', indexdef: 'text' },
  );
  for (const i of indexes) await db.execute(sql.raw(`drop index "${i.indexname}"`));
  await db.execute(sql`select setseed(0.42)`);
  for (let done = 0; done < n; done += 250_000) {
    await db.execute(loadSql(done + 1, Math.min(done + 250_000, n)));
  }
  for (const i of indexes) await db.execute(sql.raw(i.indexdef));
  await db.execute(sql`vacuum analyze members`);
  return (performance.now() - started) / 1000;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/**
 * Each of `runs` `reps` times after 3 warm-up calls, interleaved (a, b, a, b, …) so that a burst of load
 * from elsewhere on the machine falls on all of them alike: the median and p95 of each.
 */
async function time(reps: number, ...runs: (() => Promise<unknown>)[]) {
  for (let i = 0; i < 3; i++) for (const run of runs) await run();
  const ms: number[][] = runs.map(() => []);
  for (let i = 0; i < reps; i++) {
    for (const [j, run] of runs.entries()) {
      const t = performance.now();
      await run();
      ms[j]!.push(performance.now() - t);
    }
  }
  return ms.map((m) => ({ median: quantile(m, 0.5), p95: quantile(m, 0.95) }));
}

/** A Db that remembers the statements it ran, so that EXPLAIN ANALYZE can run exactly those. */
function recording(db: Db): { db: Db; last: SQL[] } {
  const last: SQL[] = [];
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'execute') {
        return (q: SQL) => {
          last.push(q);
          return target.execute(q);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { db: proxy, last };
}

type Row = { engine: string; size: number; case: string; median: number; p95: number; bare?: number };

async function benchOne(
  engine: string,
  database: Database,
  size: number,
  explain: boolean,
  loaded = false,
): Promise<Row[]> {
  const loadSeconds = loaded ? 0 : await load(database.db, size);
  const { db, last } = recording(database.db);
  const deps = { db };
  const [stats] = await queryRows(
    database.db,
    sql`select count(*) filter (where not has_login) as pending,
               count(*) filter (where not has_login and last_name = 'Smith') as smith,
               count(*) filter (where not has_login and last_name = ${RARE}) as rare from members`,
    { pending: 'number', smith: 'number', rare: 'number' },
  );
  const pending = stats!.pending;
  console.log(
    `\n${engine} ${size.toLocaleString('en')} members: loaded + indexed + analyzed in ${loadSeconds.toFixed(1)} s; ` +
      `${pending} without a login (${stats!.smith} Smith, ${stats!.rare} ${RARE})`,
  );
  const deep = async (order: string, keys: string) => {
    const [r] = await queryRows(
      database.db,
      sql.raw(
        `select json_build_array(${keys}) as k from members where not has_login order by ${order} offset ${Math.floor(pending / 2)} limit 1`,
      ),
      { k: 'json' },
    );
    if (!r) throw new Error('the list is empty: load some members without a login first');
    return (typeof r.k === 'string' ? JSON.parse(r.k) : r.k) as unknown[];
  };
  const NAME_KEYS = 'sort_last_name, sort_first_name, id';
  const nameKeys = await deep(NAME_KEYS, NAME_KEYS);
  // The engine's own cursor of the row halfway down a sort: a one-row page read at that offset.
  const deepCursor = async (sort: PendingSort, dir: SortDir) => {
    const keys = pendingKeyset(sort, dir);
    const page = await keys.page(
      {},
      1,
      async (_boundary, order, limit) =>
        (await queryRows(
          database.db,
          sql`select ${keys.cursor} as cursor from members where not has_login
            order by ${order} offset ${Math.floor(pending / 2)} limit ${limit}`,
          { cursor: 'json' },
        )) as Keyed[],
    );
    if (!page.next) throw new Error('the list is too short for a deep page');
    return page.next;
  };
  const nameCursor = await deepCursor('name', 'asc');
  const lastInvitedCursor = await deepCursor('lastInvited', 'desc');
  const [someone] = await queryRows(
    database.db,
    sql`select member_number from members where not has_login order by id offset ${Math.floor(pending / 3)} limit 1`,
    { member_number: 'text' },
  );
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
  const cases: [string, Partial<PendingQuery>][] = [
    ['first page, by name', {}],
    ['deep page (middle), by name', { after: nameCursor }],
    ['first page, by member number', { sort: 'memberNumber' }],
    ['first page, by email desc', { sort: 'email', dir: 'desc' }],
    ['first page, by last sent asc (never first)', { sort: 'lastInvited' }],
    ['first page, by last sent desc', { sort: 'lastInvited', dir: 'desc' }],
    ['deep page (middle), by last sent desc', { sort: 'lastInvited', dir: 'desc', after: lastInvitedCursor }],
    ['first page, by invitations sent desc', { sort: 'invitationsSent', dir: 'desc' }],
    ['search common surname "smith"', { search: 'smith' }],
    [`search rare surname "${RARE.toLowerCase()}"`, { search: RARE.toLowerCase() }],
    ['search first + last "mary smith"', { search: 'mary smith' }],
    ['search two letters "li"', { search: 'li' }],
    ['search a member number (exact)', { search: someone!.member_number }],
    ['search email domain "gmail" (spread through the list)', { search: 'gmail' }],
    ['search very common "son" (8% of the list)', { search: 'son' }],
    ['search "ford" (6%, spread through the names)', { search: 'ford' }],
    ['search "ton" (17%)', { search: 'ton' }],
    ['search surname "martin" (1.4%, one place in the names)', { search: 'martin' }],
    ['search without the accent "angstrom" (finds Ångström)', { search: 'angstrom' }],
    ['search with a typo "castilo" (close matches: Castillo)', { search: 'castilo' }],
    ['filter: delivery failed, by name', { deliveryFailed: true }],
    [
      'filter: lapsed + invited + sent >60 days ago, by last sent',
      {
        status: 'lapsed',
        invited: 'invited',
        sentBefore: daysAgo(60),
        sort: 'lastInvited',
      },
    ],
    ['filter: never invited, current, by name', { invited: 'never', status: 'current' }],
    ['filter: never invited, by last sent desc', { invited: 'never', sort: 'lastInvited', dir: 'desc' }],
    ['filter: sent before a date matching nobody, by name', { sentBefore: daysAgo(400) }],
    [
      'search "smith" + current, by last sent desc',
      { search: 'smith', status: 'current', sort: 'lastInvited', dir: 'desc' },
    ],
  ];
  const trigramFirst = (pattern: string) =>
    sql`select * from (select * from members where not has_login and ${SEARCH_TEXT} like ${pattern} offset 0) m
        order by sort_last_name, sort_first_name, id limit 51`;
  const bare: Record<string, SQL> = {
    'first page, by name': sql`select * from members where not has_login
      order by sort_last_name, sort_first_name, id limit 51`,
    'deep page (middle), by name': sql`select * from members where not has_login
      and (sort_last_name, sort_first_name, id) > (${nameKeys[0]}, ${nameKeys[1]}, ${nameKeys[2]}::bigint)
      order by sort_last_name, sort_first_name, id limit 51`,
    'search common surname "smith"': trigramFirst('%smith%'),
    [`search rare surname "${RARE.toLowerCase()}"`]: trigramFirst(`%${RARE.toLowerCase()}%`),
    'search email domain "gmail" (spread through the list)': trigramFirst('%gmail%'),
    'search very common "son" (8% of the list)': trigramFirst('%son%'),
    'search "ford" (6%, spread through the names)': trigramFirst('%ford%'),
    'search "ton" (17%)': trigramFirst('%ton%'),
    'search surname "martin" (1.4%, one place in the names)': trigramFirst('%martin%'),
    'search two letters "li"': trigramFirst('% li %'),
    'search first + last "mary smith"': sql`select * from (select * from members where not has_login
      and ${SEARCH_TEXT} like '%mary%' and ${SEARCH_TEXT} like '%smith%' offset 0) m
      order by sort_last_name, sort_first_name, id limit 51`,
    'search without the accent "angstrom" (finds Ångström)': trigramFirst('%angstrom%'),
  };
  const rows: Row[] = [];
  for (const [name, q] of cases) {
    // As a page view has it: the route parses the query string once (pendingQueryInput), untimed here as
    // before the list redesign, and the use-case trusts a parsed query.
    const query = pendingQueryInput.parse(pendingQueryParams({ sort: 'name', dir: 'asc', ...q }));
    const ceiling = bare[name];
    const list = () => listPendingMembers(deps, admin, query);
    const bareRun = ceiling && (() => database.db.execute(ceiling));
    const [t, b] = !bareRun
      ? await time(REPS, list)
      : CEILING_APART
        ? [...(await time(REPS, list)), ...(await time(REPS, bareRun))]
        : await time(REPS, list, bareRun);
    if (!t) throw new Error('no timing');
    rows.push({ engine, size, case: name, ...t, bare: b?.median });
    console.log(
      `  ${name.padEnd(60)} median ${t.median.toFixed(2).padStart(7)} ms  p95 ${t.p95.toFixed(1).padStart(7)} ms${b ? `  (bare SQL median ${b.median.toFixed(1)} ms)` : ''}`,
    );
    if (explain) {
      last.length = 0;
      await listPendingMembers(deps, admin, query);
      for (const statement of last) {
        const plan = await queryRows(database.db, sql`explain (analyze, buffers) ${statement}`, {
          'QUERY PLAN': 'text',
        });
        console.log(plan.map((p) => `      ${p['QUERY PLAN']}`).join('\n'));
      }
    }
  }
  // What the header shows on every page view (however countPendingMembers gets it).
  const [count] = await time(REPS, () => countPendingMembers(deps, admin));
  if (!count) throw new Error('no timing');
  rows.push({ engine, size, case: 'count without a login (page view)', ...count });
  console.log(
    `  ${'count without a login (page view)'.padEnd(60)} median ${count.median.toFixed(1).padStart(7)} ms  p95 ${count.p95.toFixed(1).padStart(7)} ms`,
  );
  for (const r of rows) report(r);
  return rows;
}

/** Each case's median (and a search's p95, the figure its target is set on) for `npm run bench`. */
function report(r: Row): void {
  const base = {
    bench: 'invitation-codes',
    engine: r.engine === 'PGlite' ? ('pglite' as const) : ('postgres' as const),
    members: r.size,
    unit: 'ms',
    higherIsBetter: false,
  };
  reportFigure({ ...base, figure: `${r.case}, median`, value: r.median, ceiling: r.bare });
  if (r.case.startsWith('search')) reportFigure({ ...base, figure: `${r.case}, p95`, value: r.p95 });
}

async function onPostgres(size: number, explain: boolean): Promise<Row[]> {
  if (REUSE_DB) {
    const url = new URL(PG_URL);
    url.pathname = `/${REUSE_DB}`;
    const database = openPostgres(url.toString(), 2);
    try {
      return await benchOne('PostgreSQL', database, size, explain, true);
    } finally {
      await database.close();
    }
  }
  const name = `gatehouse_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  // Only speeds up building the indexes after the load; queries run with the server's settings.
  await admin.query(`alter database ${name} set maintenance_work_mem = '512MB'`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), 2);
  try {
    await database.migrate();
    return await benchOne('PostgreSQL', database, size, explain);
  } finally {
    await database.close();
    // pool.end() can resolve while its sockets are still closing; a forced drop would then kill them.
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (KEEP_DB) console.log(`kept database ${name} (drop it by hand)`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function onPglite(size: number, explain: boolean): Promise<Row[]> {
  const database = await openPglite(undefined);
  try {
    await database.migrate();
    return await benchOne('PGlite', database, size, explain);
  } finally {
    await database.close();
  }
}

console.log(
  `machine: ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, ${REPS} repetitions per case`,
);
const all: Row[] = [];
if (PG_URL !== 'off') {
  for (const size of PG_SIZES)
    all.push(...(await onPostgres(size, EXPLAIN && size === Math.max(...PG_SIZES))));
}
for (const size of PGLITE_SIZES)
  all.push(...(await onPglite(size, EXPLAIN && size === Math.max(...PGLITE_SIZES))));

// One markdown table per engine: a column per size, "median / p95" in ms.
for (const engine of [...new Set(all.map((r) => r.engine))]) {
  const engineRows = all.filter((r) => r.engine === engine);
  const engineSizes = [...new Set(engineRows.map((r) => r.size))];
  console.log(`\n${engine} — median / p95 ms (bare SQL median)`);
  console.log(`| case | ${engineSizes.map((s) => `${s.toLocaleString('en')}`).join(' | ')} |`);
  console.log(`|---|${engineSizes.map(() => '---:').join('|')}|`);
  for (const c of [...new Set(engineRows.map((r) => r.case))]) {
    const cells = engineSizes.map((s) => {
      const r = engineRows.find((x) => x.size === s && x.case === c);
      if (!r) return '';
      return `${r.median.toFixed(1)} / ${r.p95.toFixed(1)}${r.bare === undefined ? '' : ` (${r.bare.toFixed(1)})`}`;
    });
    console.log(`| ${c} | ${cells.join(' | ')} |`);
  }
}
