/**
 * "Forgot password?" / "Forgot username?" timing: does the answer take longer for a name that exists?
 *
 *   node --import tsx bench/forgot-timing.ts        (npm run bench:forgot-timing)
 *
 * BENCH_PAIRS (200 per page), BENCH_PG_URL (a PostgreSQL server to use instead of in-memory PGlite; "off" or unset:
 * PGlite). Figures go to BENCH_FIGURES for `npm run bench` (bench/lib/figures.ts), known ÷ unknown. Requests go
 * through the real HTTP server (Fastify `inject`, CSRF and all), known and unknown strictly interleaved so
 * that drift and load from other processes fall on both alike. Each request uses a fresh name and a fresh
 * client address, so no throttle refuses it and every request does the full work of its kind.
 * Prints median and p95 (ms) for known and unknown, and their difference. Not a test: timing on a shared
 * machine is noisy, so it is measured here and read by a person.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openPglite, openPostgres } from '../src/db/connect.ts';
import { hashPassword } from '../src/domain/accounts/passwords.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/logging.ts';
import { reportFigure } from './lib/figures.ts';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 200);
const PG_URL = process.env.BENCH_PG_URL === 'off' ? undefined : process.env.BENCH_PG_URL;

/** A throw-away database on BENCH_PG_URL's server, dropped at the end. */
async function scratchDatabase(serverUrl: string) {
  const name = `gatehouse_bench_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await run(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

const scratch = PG_URL ? await scratchDatabase(PG_URL) : null;
const database = scratch ? openPostgres(scratch.url, 5) : await openPglite(undefined);
await database.migrate();
const config = loadConfig({
  LOG_LEVEL: 'silent',
  PUBLIC_URL: 'http://portal.test',
  PUBLIC_POSTS_PER_MINUTE: '100000',
});
const app = await createApp(config, { database, logger: createLogger('silent') });
const server = await buildServer(app);

// PAIRS logins (one hash shared: hashing is not what is measured), each named once.
const hash = await hashPassword('bench password that nobody types 1');
await app.deps.db.execute(sql`
  insert into members (member_number, first_name, last_name, email, email_lower)
  select 'B' || i, 'Bench', 'Member' || i, 'known' || i || '@example.org', 'known' || i || '@example.org'
  from generate_series(1, ${PAIRS * 2}) i`);
await app.deps.db.execute(sql`
  insert into accounts (member_id, username, username_lower, password_hash)
  select id, 'known' || id, 'known' || id, ${hash} from members`);

const page = await server.inject({ url: '/forgot-password' });
const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
let address = 0;

async function timed(url: string, field: string, value: string): Promise<number> {
  address += 1;
  const start = process.hrtime.bigint();
  const res = await server.inject({
    method: 'POST',
    url,
    remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, [field]: value }).toString(),
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  return ms;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const pages = [
  {
    url: '/forgot-password',
    field: 'identifier',
    known: (i: number) => `known${i}`,
    unknown: (i: number) => `nobody${i}`,
  },
  {
    url: '/forgot-username',
    field: 'email',
    known: (i: number) => `known${i + PAIRS}@example.org`,
    unknown: (i: number) => `nobody${i}@example.org`,
  },
];
// A warm-up, so that the first compiled paths and pg-boss's first send do not land in one column.
for (let i = 0; i < 20; i++) await timed('/forgot-password', 'identifier', `warmup${i}`);

console.log(
  `forgot timing — ${PAIRS} interleaved pairs per page, ${scratch ? 'PostgreSQL' : 'PGlite (in memory)'}`,
);
for (const { url, field, known, unknown } of pages) {
  const k: number[] = [];
  const u: number[] = [];
  for (let i = 1; i <= PAIRS; i++) {
    // Alternate which goes first, so neither always follows the other.
    if (i % 2) {
      k.push(await timed(url, field, known(i)));
      u.push(await timed(url, field, unknown(i)));
    } else {
      u.push(await timed(url, field, unknown(i)));
      k.push(await timed(url, field, known(i)));
    }
  }
  const row = (name: string, v: number[]) =>
    `  ${name.padEnd(8)} median ${quantile(v, 0.5).toFixed(2)} ms   p95 ${quantile(v, 0.95).toFixed(2)} ms`;
  console.log(url);
  console.log(row('known', k));
  console.log(row('unknown', u));
  console.log(
    `  difference (known − unknown): median ${(quantile(k, 0.5) - quantile(u, 0.5)).toFixed(2)} ms, p95 ${(quantile(k, 0.95) - quantile(u, 0.95)).toFixed(2)} ms`,
  );
  // The "ceiling" is the same request for a name that does not exist: 1.00 is what keeps names secret.
  for (const [name, q] of [
    ['median', 0.5],
    ['p95', 0.95],
  ] as const)
    reportFigure({
      bench: 'forgot-timing',
      figure: `${url.slice(1)} for a known name, ${name} (÷ an unknown one)`,
      engine: scratch ? 'postgres' : 'pglite',
      members: null,
      value: quantile(k, q),
      unit: 'ms',
      ceiling: quantile(u, q),
      higherIsBetter: false,
    });
}

await server.close();
await app.jobs.stop();
await database.close();
await scratch?.drop();
