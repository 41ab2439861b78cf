/**
 * Member Roster - Current benchmark: pages (first, deep, filtered) and the whole CSV export, on 100k and
 * 1M members in fresh PostgreSQL databases and on 100k in PGlite (in memory).
 *
 *   node --import tsx bench/reports.ts        (npm run bench:reports)
 *
 * BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; "off" skips PostgreSQL) — a scratch database is
 * created on that server for each size and dropped afterwards. BENCH_PG_SIZES (100000,1000000),
 * BENCH_PGLITE_SIZES (100000), BENCH_REPS (30), BENCH_EXPLAIN=1 prints the plans at the largest size,
 * BENCH_KEEP_DB=1 keeps the PostgreSQL databases for a closer look; BENCH_PG_DB=<name> then reuses such a
 * kept, loaded database (not loaded again, not dropped; one PostgreSQL size). BENCH_ONLY=export runs only
 * the CSV export and its COPY ceiling; BENCH_EXPORT_REPS (3) exports per size, median reported.
 * BENCH_MEMBERS (bench/all.ts) replaces both size lists (PGlite: sizes up to 100,000).
 *
 * Memory: after each PostgreSQL size, `gatehouse serve` runs on the same database and the CSV is downloaded
 * over HTTP; its RSS at rest and its peak (VmHWM) during the download are reported. The same for PGlite on
 * a DATA_DIR loaded with BENCH_PGLITE_SERVE_SIZES (default: the PGlite sizes; 1000000 measures PGlite
 * holding a million members). BENCH_SERVE=off skips these.
 *
 * The roster is loaded set-based by bench/lib/roster.ts (members and accounts indexes dropped, the has_login trigger off, both
 * re-created afterwards, then VACUUM ANALYZE): 80% current, 60% with a login, 90% of logins with a Last
 * Login over the past year, 70% invited; 5% of the invited without a login failed, 0.5% of those with one. Times are taken around the domain call in this
 * process, driver included. Ceilings of PERFORMANCE.md measured in the same run: the plainest keyset query
 * by Last Login through the same driver, and `psql \copy (…) to /dev/null` of the same report.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, type Db, openPglite, openPostgres } from '../src/db/connect.ts';
import { queryRows } from '../src/db/rows.ts';
import { type Actor, systemActor } from '../src/domain/policy.ts';
import { listMemberRoster } from '../src/domain/reports/memberRoster.ts';
import { memberRosterCsv } from '../src/domain/reports/memberRosterCsv.ts';
import type { RosterQuery } from '../src/domain/reports/memberRosterQuery.ts';
import { tempDataDir } from '../tests/cliProcess.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';
import { loadRoster, quantile, recording, time } from './lib/roster.ts';
import { servedExport } from './lib/servedExport.ts';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sizes = (v: string | undefined, d: number[]) =>
  v !== undefined
    ? v
        .split(',')
        .map(Number)
        .filter((n) => n > 0)
    : d;
// BENCH_MEMBERS (bench/all.ts) sets both lists; PGlite then takes the sizes up to 100,000.
const MEMBERS = process.env.BENCH_MEMBERS ? benchMembers([]) : undefined;
const PG_SIZES = MEMBERS ?? sizes(process.env.BENCH_PG_SIZES, [100_000, 1_000_000]);
const PGLITE_SIZES = MEMBERS?.filter((n) => n <= 100_000) ?? sizes(process.env.BENCH_PGLITE_SIZES, [100_000]);
// `gatehouse serve` on a PGlite DATA_DIR holding the roster: RSS at rest and during the export over HTTP.
const PGLITE_SERVE_SIZES = sizes(process.env.BENCH_PGLITE_SERVE_SIZES, PGLITE_SIZES);
const SERVE = process.env.BENCH_SERVE !== 'off';
const REPS = Number(process.env.BENCH_REPS ?? 30);
const EXPLAIN = process.env.BENCH_EXPLAIN === '1';
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
const REUSE_DB = process.env.BENCH_PG_DB;
const ONLY_EXPORT = process.env.BENCH_ONLY === 'export';
const EXPORT_REPS = Number(process.env.BENCH_EXPORT_REPS ?? 3);
const admin: Actor = { ...systemActor('bench'), role: 'admin' };

/** The whole export into nowhere (with backpressure's cost left out): seconds, bytes, rows, peak RSS. */
async function exportOnce(db: Db, query: RosterQuery) {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  for await (const chunk of memberRosterCsv({ db }, admin, query)) {
    bytes += Buffer.byteLength(chunk);
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (b: number) => Math.round(b / 1048576);
  return { seconds, mb: mb(bytes), rows: lines - 1, rssBefore: mb(rssBefore), rssPeak: mb(peak) };
}

/**
 * The export by Last Login desc, EXPORT_REPS times (median seconds, highest peak RSS), each followed by
 * the COPY ceiling (median), so that the ratio compares runs made at the same time.
 */
async function exportRows(engine: string, db: Db, size: number, url: string | null): Promise<Row[]> {
  const runs: Awaited<ReturnType<typeof exportOnce>>[] = [];
  const copies: number[] = [];
  for (let i = 0; i < EXPORT_REPS; i++) {
    const exp = await exportOnce(db, { sort: 'lastLogin', dir: 'desc' });
    const copy = url ? copyCeiling(url) : undefined;
    if (copy !== undefined) copies.push(copy);
    runs.push(exp);
    console.log(
      `  CSV export by Last Login desc: ${exp.rows.toLocaleString('en')} rows, ${exp.mb} MB in ${exp.seconds.toFixed(1)} s; ` +
        `RSS ${exp.rssBefore} MB before, peak ${exp.rssPeak} MB${copy ? `; COPY ceiling ${copy.toFixed(1)} s (÷ ${(exp.seconds / copy).toFixed(1)})` : ''}`,
    );
  }
  const seconds = quantile(
    runs.map((r) => r.seconds),
    0.5,
  );
  const copy = copies.length > 0 ? quantile(copies, 0.5) : undefined;
  console.log(
    `  CSV export median of ${runs.length}: ${seconds.toFixed(1)} s${copy ? `, COPY ${copy.toFixed(1)} s (÷ ${(seconds / copy).toFixed(1)})` : ''}`,
  );
  return [
    {
      engine,
      size,
      case: `CSV export (${runs[0]!.rows} rows): s / peak RSS MB`,
      median: seconds,
      p95: Math.max(...runs.map((r) => r.rssPeak)),
      ceiling: copy,
    },
  ];
}

/** The same report through psql's COPY to /dev/null: PERFORMANCE.md's export ceiling. */
function copyCeiling(url: string): number {
  const started = performance.now();
  execFileSync('psql', [
    url,
    '-q',
    '-c',
    `\\copy (select m.member_number, m.first_name, m.last_name, m.email,
    a.username, a.created_at, a.last_login_at, m.invitations_sent, m.last_invited_at, m.delivery_state,
    m.delivery_detail from members m left join accounts a on a.member_id = m.id where m.status = 'current'
    order by a.last_login_at desc nulls last, m.id desc) to '/dev/null' with csv header`,
  ]);
  return (performance.now() - started) / 1000;
}

type Row = { engine: string; size: number; case: string; median: number; p95: number; ceiling?: number };

async function benchOne(
  engine: string,
  database: Database,
  size: number,
  url: string | null,
  explain: boolean,
  loaded = false,
) {
  const db = database.db;
  const loadSeconds = loaded ? 0 : await loadRoster(db, size);
  if (ONLY_EXPORT) {
    console.log(`\n${engine} ${size.toLocaleString('en')} members: loaded in ${loadSeconds.toFixed(1)} s`);
    return exportRows(engine, db, size, url);
  }
  const key = async (q: SQL) => {
    const [r] = await queryRows(db, q, { k: 'json' });
    return (typeof r!.k === 'string' ? JSON.parse(r!.k) : r!.k) as unknown[];
  };
  // A page link as the keyset engine writes it: the scope (sort, direction, segment) and the key values.
  const encodeCursor = (sort: string, dir: string, segment: number, keys: unknown[]) =>
    Buffer.from(JSON.stringify({ s: `${sort}.${dir}.${segment}`, k: keys })).toString('base64url');
  const mid = Math.floor(size * 0.2);
  const loginKeys = await key(sql`select json_build_array(
      to_char(a.last_login_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), a.member_id) k from accounts a
    join members m on m.id = a.member_id where a.last_login_at is not null and m.status = 'current'
    order by a.last_login_at desc, a.member_id desc offset ${mid} limit 1`);
  const nullKeys =
    await key(sql`select json_build_array(id) k from members where not has_login and status = 'current'
    order by id desc offset ${Math.floor(size * 0.1)} limit 1`);
  const nameKeys = await key(sql`select json_build_array(last_name, first_name, id) k from members
    where status = 'current' order by last_name, first_name, id offset ${Math.floor(size * 0.4)} limit 1`);
  const week = new Date(Date.now() - 7 * 86_400_000);
  const cases: [string, Partial<RosterQuery>][] = [
    ['first page, by Last Login desc', { sort: 'lastLogin', dir: 'desc' }],
    ['first page, by Last Login asc', { sort: 'lastLogin', dir: 'asc' }],
    ['first page, by name', {}],
    [
      'deep page (20% in), by Last Login desc',
      { sort: 'lastLogin', dir: 'desc', after: encodeCursor('lastLogin', 'desc', 0, loginKeys) },
    ],
    [
      'deep page in the no-Last-Login part, by Last Login desc',
      { sort: 'lastLogin', dir: 'desc', after: encodeCursor('lastLogin', 'desc', 1, nullKeys) },
    ],
    ['deep page (40% in), by name', { after: encodeCursor('name', 'asc', 0, nameKeys) }],
    [
      'previous page from deep, by Last Login desc',
      { sort: 'lastLogin', dir: 'desc', before: encodeCursor('lastLogin', 'desc', 0, loginKeys) },
    ],
    ['first page, by username desc', { sort: 'username', dir: 'desc' }],
    ['first page, by login created desc', { sort: 'loginCreated', dir: 'desc' }],
    ['first page, by email', { sort: 'email' }],
    ['filter: delivery failed, by Last Login desc', { sort: 'lastLogin', dir: 'desc', deliveryFailed: true }],
    ['filter: delivery failed, by name', { deliveryFailed: true }],
    ['filter: last login in the past week, by name', { lastLoginAfter: week }],
    ['filter: last login before a day matching nobody, by name', { lastLoginBefore: new Date('2000-01-01') }],
    ['filter: no login, by name', { login: 'none' }],
    ['filter: has a login, by Last Login asc', { login: 'has', sort: 'lastLogin', dir: 'asc' }],
  ];
  const ceiling = sql`select m.id, m.member_number, m.first_name, m.last_name, m.email, a.username, a.created_at,
      a.last_login_at, m.invitations_sent, m.last_invited_at, m.delivery_state, m.delivery_detail
    from accounts a join members m on m.id = a.member_id
    where a.last_login_at is not null and m.status = 'current'
      and (a.last_login_at, a.member_id) < (${loginKeys[0]}::timestamptz, ${loginKeys[1]}::bigint)
    order by a.last_login_at desc, a.member_id desc limit 51`;
  const bare = await time(REPS, () => db.execute(ceiling));
  console.log(
    `\n${engine} ${size.toLocaleString('en')} members: loaded in ${loadSeconds.toFixed(1)} s; ` +
      `ceiling (bare keyset by Last Login) median ${bare.median.toFixed(2)} ms, p95 ${bare.p95.toFixed(2)} ms`,
  );
  const rows: Row[] = [{ engine, size, case: 'ceiling: bare keyset by Last Login', ...bare }];
  for (const [name, q] of cases) {
    const query: RosterQuery = { sort: 'name', dir: 'asc', ...q };
    const t = await time(REPS, () => listMemberRoster({ db }, admin, query));
    const withCeiling = name.startsWith('deep page (20% in), by Last Login') ? bare.median : undefined;
    rows.push({ engine, size, case: name, ...t, ceiling: withCeiling });
    console.log(
      `  ${name.padEnd(58)} median ${t.median.toFixed(2).padStart(6)} ms  p95 ${t.p95.toFixed(1).padStart(6)} ms${withCeiling ? `  (÷ ceiling ${(t.median / withCeiling).toFixed(1)})` : ''}`,
    );
    if (explain) {
      const { db: rec, last } = recording(db);
      await listMemberRoster({ db: rec }, admin, query);
      for (const statement of last) {
        const plan = await queryRows(db, sql`explain (analyze, buffers) ${statement}`, {
          'QUERY PLAN': 'text',
        });
        console.log(plan.map((p) => `      ${p['QUERY PLAN']}`).join('\n'));
      }
    }
  }
  rows.push(...(await exportRows(engine, db, size, url)));
  return rows;
}

async function onPostgres(size: number): Promise<Row[]> {
  if (REUSE_DB) {
    const url = new URL(PG_URL);
    url.pathname = `/${REUSE_DB}`;
    const database = openPostgres(url.toString(), 2);
    try {
      return await benchOne('PostgreSQL', database, size, url.toString(), EXPLAIN, true);
    } finally {
      await database.close();
    }
  }
  const name = `gatehouse_bench_${randomBytes(5).toString('hex')}`;
  const server = new pg.Client({ connectionString: PG_URL });
  await server.connect();
  await server.query(`create database ${name}`);
  await server.query(`alter database ${name} set maintenance_work_mem = '512MB'`); // index builds only
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), 2);
  try {
    await database.migrate();
    const rows = await benchOne(
      'PostgreSQL',
      database,
      size,
      url.toString(),
      EXPLAIN && size === Math.max(...PG_SIZES),
    );
    if (SERVE)
      await servedExport({ DATABASE_URL: url.toString(), DATA_DIR: tempDataDir() }, 'postgres', size);
    return rows;
  } finally {
    await database.close();
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the pool's sockets close first
    if (KEEP_DB) console.log(`kept database ${name} (drop it by hand)`);
    else await server.query(`drop database if exists ${name} with (force)`);
    await server.end();
  }
}

async function onPglite(size: number): Promise<Row[]> {
  const database = await openPglite(undefined);
  try {
    await database.migrate();
    return await benchOne('PGlite', database, size, null, EXPLAIN && size === Math.max(...PGLITE_SIZES));
  } finally {
    await database.close();
  }
}

/** The roster loaded into a fresh PGlite DATA_DIR, then served by `gatehouse serve` from it. */
async function servedPglite(size: number) {
  const dir = tempDataDir();
  try {
    const database = await openPglite(dir);
    await database.migrate();
    const loaded = await loadRoster(database.db, size);
    await database.close();
    console.log(`\nPGlite data dir ${size.toLocaleString('en')} members: loaded in ${loaded.toFixed(1)} s`);
    await servedExport({ DATA_DIR: dir }, 'pglite', size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `machine: ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, ${REPS} repetitions per case`,
);
const all: Row[] = [];
if (PG_URL !== 'off') for (const size of PG_SIZES) all.push(...(await onPostgres(size)));
for (const size of PGLITE_SIZES) all.push(...(await onPglite(size)));
if (SERVE) for (const size of PGLITE_SERVE_SIZES) await servedPglite(size);
for (const r of all) {
  const isExport = r.case.startsWith('CSV export');
  reportFigure({
    bench: 'reports',
    figure: isExport ? 'Member Roster CSV export, in process' : `Member Roster: ${r.case}, median`,
    engine: r.engine === 'PostgreSQL' ? 'postgres' : 'pglite',
    members: r.size,
    value: r.median,
    unit: isExport ? 's' : 'ms',
    ...(r.ceiling ? { ceiling: r.ceiling } : {}),
    higherIsBetter: false,
  });
  if (isExport) {
    const engine = r.engine === 'PostgreSQL' ? 'postgres' : 'pglite';
    const figure = 'peak RSS of the export, in process';
    reportFigure({
      bench: 'reports',
      figure,
      engine,
      members: r.size,
      value: r.p95,
      unit: 'MB',
      higherIsBetter: false,
    });
  }
}

for (const engine of [...new Set(all.map((r) => r.engine))]) {
  const engineRows = all.filter((r) => r.engine === engine);
  const engineSizes = [...new Set(engineRows.map((r) => r.size))];
  console.log(`\n${engine} — median / p95 ms (÷ ceiling)`);
  console.log(`| case | ${engineSizes.map((s) => s.toLocaleString('en')).join(' | ')} |`);
  console.log(`|---|${engineSizes.map(() => '---:').join('|')}|`);
  for (const c of [...new Set(engineRows.map((r) => r.case.replace(/\(\d+ rows\)/, '')))]) {
    const cells = engineSizes.map((s) => {
      const r = engineRows.find((x) => x.size === s && x.case.replace(/\(\d+ rows\)/, '') === c);
      if (!r) return '';
      const ratio = r.ceiling ? ` (÷ ${(r.median / r.ceiling).toFixed(1)})` : '';
      return `${r.median.toFixed(1)} / ${r.p95.toFixed(1)}${ratio}`;
    });
    console.log(`| ${c} | ${cells.join(' | ')} |`);
  }
}
