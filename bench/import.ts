/**
 * Roster import benchmark: a roster CSV of each size into fresh databases, PGlite and PostgreSQL, then the
 * peak memory of `gatehouse serve` while it takes the same file through the Import members pages.
 *
 *   node --import tsx bench/import.ts        (npm run bench:import)
 *
 * BENCH_MEMBERS (rows, default 100000; e.g. "100000,1000000" — sizes over 100,000 run on PostgreSQL only),
 * BENCH_RUNS (3; 1 over 100,000 rows), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; "off" skips
 * PostgreSQL), BENCH_RSS ("off" skips the served import). Every run uses fresh databases (PostgreSQL ones are dropped afterwards), and the runs are
 * interleaved so that load from other processes falls on every engine alike. Each engine's ceiling
 * (PERFORMANCE.md) is measured in the same runs, so Gatehouse ÷ ceiling survives machine drift:
 * PostgreSQL: psql `\copy` into a staging table + one INSERT … ON CONFLICT; PGlite: one INSERT … SELECT
 * FROM unnest(arrays) … ON CONFLICT of rows parsed beforehand.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { fixedClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, openPglite, openPostgres } from '../src/db/connect.ts';
import type { Deps } from '../src/domain/deps.ts';
import { importRoster } from '../src/domain/members/importRoster.ts';
import { parseRosterCsv } from '../src/domain/members/parseRosterCsv.ts';
import { lowerCased } from '../src/domain/members/rosterRows.ts';
import { systemActor } from '../src/domain/policy.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';
import { servedImport } from './lib/servedImport.ts';

const SIZES = benchMembers([100_000]);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Femi', 'Grace', 'Hiro', 'Isla', 'Jonas', 'Zoë', 'Åsa'];
const LAST = ['Adeyemi', 'Brennan', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', "O'Neill", 'Smith, Jr.'];

/**
 * A roster like a real one: quoted names with commas, shared family addresses, some lapsed members.
 * With `changed`, every 10th row differs: a third in status, a third in email, a third in last name.
 */
function rosterCsv(rows: number, changed = false): string {
  const lines = ['member_number,first_name,last_name,email,status'];
  for (let i = 0; i < rows; i++) {
    const change = changed && i % 10 === 0 ? (i / 10) % 3 : -1;
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7 + (change === 2 ? 1 : 0)) % LAST.length]!;
    const email = i % 20 === 1 ? `family${i - 1}@example.org` : `${first}.${i}@Example.org`;
    const status = (i % 9 === 0) !== (change === 0) ? 'lapsed' : 'current';
    lines.push(
      `M${String(i).padStart(7, '0')},${first},"${last}",${change === 1 ? `new.${email}` : email},${status}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

type Opened = { database: Database; url: string | null; dispose(): Promise<void> };

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

const engines: Record<string, () => Promise<Opened>> = {
  'PGlite, in memory': async () => {
    const database = await openPglite(undefined);
    return { database, url: null, dispose: () => database.close() };
  },
  'PGlite, temp data dir': async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-bench-'));
    const database = await openPglite(dir);
    const dispose = async () => {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    };
    return { database, url: null, dispose };
  },
  PostgreSQL: async () => {
    const name = `gatehouse_bench_${randomBytes(5).toString('hex')}`;
    await adminQuery(`create database ${name}`);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const database = openPostgres(url.toString(), 2);
    const dispose = async () => {
      await database.close();
      // pool.end() resolves before the server has seen every connection go: wait rather than force.
      for (let attempt = 0; ; attempt++) {
        try {
          return await adminQuery(`drop database if exists ${name}${attempt >= 50 ? ' with (force)' : ''}`);
        } catch (e) {
          if ((e as { code?: string }).code !== '55006') throw e;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    return { database, url: url.toString(), dispose };
  },
};
if (PG_URL === 'off') delete engines.PostgreSQL;

const seconds = async (work: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
};

type Scenarios = Record<string, string>;
const times = new Map<string, number[]>();
const record = (key: string, t: number) => times.set(key, [...(times.get(key) ?? []), t]);

async function importScenarios(engine: string, { database }: Opened, scenarios: Scenarios) {
  const clock = fixedClock(new Date());
  // The import queues no jobs: nothing for a job queue to do here.
  const deps: Deps = {
    db: database.db,
    clock,
    config: loadConfig({}),
    jobs: { emailDue: async () => {}, selfServiceRequested: async () => {} },
  };
  for (const [scenario, csv] of Object.entries(scenarios)) {
    const input = { csv, source: 'bench.csv', dryRun: false, validRowsOnly: false };
    record(
      `${engine} | ${scenario}`,
      await seconds(async () => {
        if (!(await importRoster(deps, systemActor('bench'), input)).applied) throw new Error('not applied');
      }),
    );
    clock.advance(1000);
  }
}

const upsertSql = `on conflict (member_number) do update set first_name = excluded.first_name,
  last_name = excluded.last_name, email = excluded.email, email_lower = excluded.email_lower,
  status = excluded.status`;

/** PGlite's ceiling: the rows parsed beforehand, one unnest INSERT … ON CONFLICT, nothing checked. */
async function pgliteCeiling({ database }: Opened, csv: string): Promise<number> {
  const rows = (await parseRosterCsv(csv)).valid;
  const emailLower = lowerCased(rows.email);
  return seconds(() =>
    database.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower, status)
      select * from unnest(${sql.param(rows.memberNumber)}::text[], ${sql.param(rows.firstName)}::text[],
        ${sql.param(rows.lastName)}::text[], ${sql.param(rows.email)}::text[],
        ${sql.param(emailLower)}::text[], ${sql.param(rows.status)}::text[])
      ${sql.raw(upsertSql)}`),
  );
}

/** PostgreSQL's ceiling (PERFORMANCE.md): COPY into a staging table, then one INSERT … ON CONFLICT. */
async function postgresCeiling({ url }: Opened, csv: string): Promise<number> {
  const file = path.join(os.tmpdir(), `gatehouse-bench-${process.pid}.csv`);
  await writeFile(file, csv);
  const script = `begin;
create temp table staging (member_number text, first_name text, last_name text, email text, status text);
\\copy staging from '${file}' with (format csv, header)
insert into members (member_number, first_name, last_name, email, email_lower, status)
  select member_number, first_name, last_name, email, lower(email), status from staging ${upsertSql};
commit;`;
  const t = await seconds(async () =>
    execFileSync('psql', ['-qX', '-v', 'ON_ERROR_STOP=1', url!], { input: script }),
  );
  await rm(file, { force: true });
  return t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const show = (xs: number[]) => `${median(xs).toFixed(2)} s  (${xs.map((t) => t.toFixed(2)).join(', ')})`;
const figureEngine = (engine: string) => (engine === 'PostgreSQL' ? 'postgres' : 'pglite');
const FIRST_IMPORT = 'first import (all added)';

/** The in-process imports of one size on every engine, interleaved run by run, each beside its ceiling. */
async function benchSize(size: number) {
  times.clear();
  const sizeEngines = Object.entries(engines).filter(([name]) => size <= 100_000 || name === 'PostgreSQL');
  const runs = Number(process.env.BENCH_RUNS ?? (size > 100_000 ? 1 : 3));
  const scenarios: Scenarios = {
    [FIRST_IMPORT]: rosterCsv(size),
    'same file again (all unchanged)': rosterCsv(size),
    '10% of rows changed': rosterCsv(size, true),
  };
  console.log(
    `\nRoster import, ${size.toLocaleString('en-GB')} rows: median of ${runs} runs on fresh databases`,
  );
  for (let run = 0; run < runs; run++) {
    record('parse + check only', await seconds(async () => parseRosterCsv(scenarios[FIRST_IMPORT]!)));
    for (const [engine, open] of sizeEngines) {
      for (const job of ['import', 'ceiling'] as const) {
        const opened = await open();
        try {
          await opened.database.migrate();
          if (job === 'import') await importScenarios(engine, opened, scenarios);
          else {
            const ceiling = opened.url ? postgresCeiling : pgliteCeiling;
            record(`${engine} | ceiling`, await ceiling(opened, scenarios[FIRST_IMPORT]!));
          }
        } finally {
          await opened.dispose();
        }
      }
    }
  }
  for (const [key, xs] of times) console.log(`${key.padEnd(58)} ${show(xs)}`);
  for (const [engine] of sizeEngines) {
    const ceiling = median(times.get(`${engine} | ceiling`)!);
    for (const scenario of Object.keys(scenarios)) {
      const value = median(times.get(`${engine} | ${scenario}`)!);
      const first = scenario === FIRST_IMPORT;
      reportFigure({
        bench: 'import',
        figure: `roster import, ${scenario}${engine.startsWith('PGlite') ? ` (${engine.slice(8)})` : ''}`,
        engine: figureEngine(engine),
        members: size,
        value,
        unit: 's',
        ...(first ? { ceiling } : {}),
        higherIsBetter: false,
      });
      if (first) console.log(`${engine}: first import ÷ ceiling = ${(value / ceiling).toFixed(2)}`);
    }
  }
  return scenarios[FIRST_IMPORT]!;
}

console.log(
  `node ${process.version}, ${os.availableParallelism()} CPUs, ${new Date().toISOString().slice(0, 10)}`,
);
for (const size of SIZES) {
  const csv = await benchSize(size);
  if (process.env.BENCH_RSS === 'off') continue;
  if (PG_URL !== 'off') await servedImport(size, csv, PG_URL);
  if (size <= 100_000) await servedImport(size, csv, null);
}
