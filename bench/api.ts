/**
 * JSON API benchmark (issue 13): list every member of a 1,000,000-member roster through the API in pages of
 * 1,000 (total time and p95 per page, against the bare keyset query through the same driver), and import
 * 100,000 members as JSON through `POST /api/v1/roster/import`, against the same roster as CSV through the same
 * endpoint, in the same run, each into a fresh database.
 *
 *   node --import tsx bench/api.ts        (npm run bench:api)
 *
 * BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; a scratch database per measurement, dropped
 * afterwards), BENCH_MEMBERS (roster sizes to list, comma-separated; else BENCH_LIST_SIZE, 1000000),
 * BENCH_IMPORT_ROWS (100000), BENCH_RUNS (3: imports alternate JSON and CSV, medians reported). Figures go to
 * BENCH_FIGURES for `npm run bench` (bench/lib/figures.ts). The server is a real listening `buildServer` in this process, driven over
 * HTTP with fetch; the roster is loaded set-based by bench/lib/roster.ts.
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, openPostgres } from '../src/db/connect.ts';
import { apiScopes } from '../src/domain/apiTokens/apiTokenInput.ts';
import { createApiToken } from '../src/domain/apiTokens/createApiToken.ts';
import { systemActor } from '../src/domain/policy.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/logging.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';
import { loadRoster, quantile, scratchDatabase } from './lib/roster.ts';
import { rosterImportRequest } from './lib/sampleRoster.ts';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LIST_SIZES = benchMembers([Number(process.env.BENCH_LIST_SIZE ?? 1_000_000)]);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAGE = 1000;
const median = (xs: number[]) => quantile(xs, 0.5);

/** A portal on a fresh scratch database, listening on a free port, with a token of every scope. */
async function portal(prepare?: (database: Database) => Promise<unknown>) {
  const scratch = await scratchDatabase(PG_URL);
  const database = openPostgres(scratch.url, 5);
  await database.migrate();
  await prepare?.(database);
  const config = loadConfig({
    DATABASE_URL: scratch.url,
    LOG_LEVEL: 'silent',
    UPLOAD_LIMIT_MB: '200',
    API_REQUESTS_PER_MINUTE: '100000',
  });
  const app = await createApp(config, { database, logger: createLogger('silent') });
  const server = await buildServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  const { token } = await createApiToken(app.deps, systemActor('bench'), {
    name: 'bench',
    scopes: [...apiScopes],
  });
  return {
    base,
    database,
    headers: { authorization: `Bearer ${token}` },
    async close() {
      await server.close();
      await app.close();
      await database.close();
      await scratch.drop();
    },
  };
}

/** Every member through `GET /api/v1/members`, page by page: total seconds, page times, members seen. */
async function listAll(base: string, headers: Record<string, string>) {
  const pageMs: number[] = [];
  const started = performance.now();
  let cursor: string | null = null;
  let seen = 0;
  do {
    const url = `${base}/api/v1/members?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const t = performance.now();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as { data: unknown[]; next_cursor: string | null };
    pageMs.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(body)}`);
    seen += body.data.length;
    cursor = body.next_cursor;
  } while (cursor);
  return { seconds: (performance.now() - started) / 1000, pageMs, seen };
}

/**
 * The ceiling: the same walk and the same columns (the login through the same lateral probe) as one
 * keyset query per page through the same driver — no HTTP, no token check, no JSON.
 */
async function bareWalk(database: Database) {
  const started = performance.now();
  let after = 0;
  for (;;) {
    const rows = (await database.db.execute(
      sql`select m.id, m.member_number, m.first_name, m.last_name, m.email, m.status, m.updated_at,
                 m.invitations_sent, m.last_invited_at, m.delivery_state, l.username, l.created_at, l.last_login_at
          from members m left join lateral (
            select username, created_at, last_login_at from accounts a where a.member_id = m.id limit 1) l on true
          where m.id > ${after} order by m.id limit ${PAGE}`,
    )) as unknown as { rows: { id: string | number }[] };
    if (rows.rows.length === 0) break;
    after = Number(rows.rows.at(-1)!.id);
  }
  return (performance.now() - started) / 1000;
}

const importBodies = {
  json: rosterImportRequest(IMPORT_ROWS, 'json'),
  csv: rosterImportRequest(IMPORT_ROWS, 'csv'),
};

/** One import of the whole roster into a fresh portal: seconds from request to answer. */
async function importOnce(kind: 'json' | 'csv') {
  const p = await portal();
  try {
    const started = performance.now();
    const body = importBodies[kind];
    const res = await fetch(`${p.base}/api/v1/roster/import`, {
      method: 'POST',
      headers: { ...p.headers, ...body.headers },
      body: body.payload,
    });
    const report = (await res.json()) as { added?: number };
    const seconds = (performance.now() - started) / 1000;
    if (res.status !== 200 || report.added !== IMPORT_ROWS)
      throw new Error(`${kind} import: ${res.status} ${JSON.stringify(report).slice(0, 300)}`);
    return seconds;
  } finally {
    await p.close();
  }
}

console.log(
  `# JSON API benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, PostgreSQL`,
);

for (const size of LIST_SIZES) {
  const listing = await portal((database) => loadRoster(database.db, size));
  try {
    const api = await listAll(listing.base, listing.headers);
    const bare = await bareWalk(listing.database);
    console.log(
      `\nList ${size.toLocaleString('en')} members in pages of ${PAGE} (${api.pageMs.length} pages, ${api.seen.toLocaleString('en')} seen)`,
    );
    console.log('| | total s | median page ms | p95 page ms |\n|---|---|---|---|');
    console.log(
      `| GET /api/v1/members over HTTP | ${api.seconds.toFixed(1)} | ${median(api.pageMs).toFixed(1)} | ${quantile(api.pageMs, 0.95).toFixed(1)} |`,
    );
    console.log(`| bare keyset query, same driver (ceiling) | ${bare.toFixed(1)} | | |`);
    console.log(`| ratio | ${(api.seconds / bare).toFixed(2)} | | |`);
    const figure = { bench: 'api', engine: 'postgres', members: size, higherIsBetter: false } as const;
    reportFigure({
      ...figure,
      figure: `list all members, GET /api/v1/members pages of ${PAGE} (÷ bare keyset walk)`,
      value: api.seconds,
      unit: 's',
      ceiling: bare,
    });
    reportFigure({
      ...figure,
      figure: 'list all members, p95 of a page',
      value: quantile(api.pageMs, 0.95),
      unit: 'ms',
    });
  } finally {
    await listing.close();
  }
}

const times: Record<'json' | 'csv', number[]> = { json: [], csv: [] };
for (let run = 0; run < RUNS; run++) {
  for (const kind of run % 2 === 0 ? (['json', 'csv'] as const) : (['csv', 'json'] as const)) {
    times[kind].push(await importOnce(kind));
  }
}
console.log(
  `\nImport ${IMPORT_ROWS.toLocaleString('en')} members into a fresh portal through POST /api/v1/roster/import (median of ${RUNS})`,
);
console.log('| body | median s | min s | max s |\n|---|---|---|---|');
for (const kind of ['json', 'csv'] as const) {
  const xs = times[kind];
  console.log(
    `| ${kind === 'json' ? 'application/json' : 'text/csv'} | ${median(xs).toFixed(2)} | ${Math.min(...xs).toFixed(2)} | ${Math.max(...xs).toFixed(2)} |`,
  );
}
console.log(`| JSON ÷ CSV | ${(median(times.json) / median(times.csv)).toFixed(2)} | | |`);
// No ceiling for the import here: bench/import.ts measures the import against COPY; this compares the bodies.
for (const kind of ['json', 'csv'] as const)
  reportFigure({
    bench: 'api',
    figure: `import into a fresh portal, POST /api/v1/roster/import as ${kind === 'json' ? 'JSON' : 'CSV'}`,
    engine: 'postgres',
    members: IMPORT_ROWS,
    value: median(times[kind]),
    unit: 's',
    higherIsBetter: false,
  });
