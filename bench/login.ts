/**
 * Login benchmark: password logins per second against a real `gatehouse serve` child process, on each
 * engine, with autocannon in this process as the load (bench/lib/loginLoad.ts); beside it the machine's
 * ceiling in the same run, bare argon2id verifications with the same parameters in a process of their own
 * (bench/lib/argonCeiling.ts), at the same concurrencies; and, for reference, the same load against a bare
 * HTTP server that only verifies the password (bench/lib/httpArgonServer.ts): what HTTP and the load leave
 * for argon2 on this machine. Also the time a wrong password and an unknown username take — they must be
 * indistinguishable.
 *
 *   node --import tsx bench/login.ts
 *
 * BENCH_ENGINES (pglite,postgres), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/; "off" skips
 * PostgreSQL; a scratch database per run, dropped), BENCH_CONCURRENCY (2,4,8,16), BENCH_SECONDS (8 per
 * concurrency), BENCH_CPU_PROF (a folder: the serve child runs with --cpu-prof into it).
 */
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import { startServer } from '../tests/cliProcess.ts';
import { reportFigure } from './lib/figures.ts';
import { type Engine, loginDatabase } from './lib/loginDatabase.ts';
import { addressOf, csrfPair, loginsPerSecond } from './lib/loginLoad.ts';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/';
const ENGINES = (process.env.BENCH_ENGINES ?? 'pglite,postgres')
  .split(',')
  .filter((e): e is Engine => e === 'pglite' || (e === 'postgres' && PG_URL !== 'off'));
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '2,4,8,16').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const LOGINS = 5000; // distinct accounts, so no login is throttled or logs in twice at once
const PROBES = 60;
const PASSWORD = 'violet tractor umbrella 42';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (rates: Record<number, number>) => {
  const [c, rate] = Object.entries(rates).sort((a, b) => b[1] - a[1])[0]!;
  return { c: Number(c), rate };
};

/** Bare argon2id verifications per second at each concurrency, measured in a child process. */
function argonCeiling(): Record<number, number> {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'bench/lib/argonCeiling.ts', String(Math.min(SECONDS, 4)), CONCURRENCIES.join(',')],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<number, number>;
}

/** Logins per second at each concurrency against the bare HTTP + argon2id server, in a child process. */
async function httpArgonCeiling(): Promise<Record<number, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/httpArgonServer.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d) => resolve(String(d).trim())),
    );
    const rates: Record<number, number> = {};
    for (const c of CONCURRENCIES) {
      rates[c] = (
        await loginsPerSecond(url, {
          connections: c,
          seconds: Math.min(SECONDS, 4),
          logins: LOGINS,
          password: PASSWORD,
        })
      ).rate;
    }
    return rates;
  } finally {
    child.kill();
  }
}

/** Wrong password (existing login) against unknown username, interleaved so drift hits both alike. */
async function timingProbe(baseUrl: string) {
  const csrf = await csrfPair(baseUrl);
  const post = (username: string, ip: string) =>
    fetch(`${baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: csrf.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': ip,
      },
      body: new URLSearchParams({ _csrf: csrf.token, username, password: 'wrong password entirely' }),
    });
  const wrongPassword: number[] = [];
  const unknownUser: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    for (const [list, username] of [
      [wrongPassword, `user${LOGINS - i}`],
      [unknownUser, `nobody${i}`],
    ] as const) {
      const t = performance.now();
      const res = await post(username, addressOf(0xfe0000 + 2 * i + (list === unknownUser ? 1 : 0)));
      await res.arrayBuffer();
      list.push(performance.now() - t);
      if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
    }
  }
  return { wrongPassword: median(wrongPassword), unknownUser: median(unknownUser) };
}

async function measure(engine: Engine) {
  const database = await loginDatabase(engine, LOGINS, PASSWORD, PG_URL);
  const nodeArgs = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
  // TRUST_PROXY: each request names its own address (X-Forwarded-For), as logins from many people do.
  const portal = await startServer({ ...database.env, TRUST_PROXY: '1' }, nodeArgs);
  try {
    const ceiling = argonCeiling();
    const httpCeiling = await httpArgonCeiling();
    await loginsPerSecond(portal.url, { connections: 4, seconds: 2, logins: LOGINS, password: PASSWORD });
    const logins: Record<number, number> = {};
    for (const c of CONCURRENCIES) {
      const run = await loginsPerSecond(portal.url, {
        connections: c,
        seconds: SECONDS,
        logins: LOGINS,
        password: PASSWORD,
      });
      logins[c] = run.rate;
      console.log(
        `${engine}: c=${c} ${run.rate.toFixed(1)} logins/s (p50 ${run.p50} ms, p97.5 ${run.p97_5} ms); ceiling ${ceiling[c]!.toFixed(1)}/s`,
      );
    }
    return { ceiling, httpCeiling, logins, timing: await timingProbe(portal.url) };
  } finally {
    await portal.stop();
    await database.drop();
  }
}

console.log(
  `machine: ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, ${SECONDS} s per run`,
);
for (const engine of ENGINES) {
  const { ceiling, httpCeiling, logins, timing } = await measure(engine);
  const top = best(ceiling);
  const topLogins = best(logins);
  const ratio = (x: number) => (x / top.rate).toFixed(2);
  console.log(
    `${engine}: ceiling c=2 ${ceiling[2]?.toFixed(1)}/s, best c=${top.c} ${top.rate.toFixed(1)}/s; ` +
      `logins c=2 ${logins[2]?.toFixed(1)}/s (${ratio(logins[2] ?? 0)} x best ceiling), ` +
      `best c=${topLogins.c} ${topLogins.rate.toFixed(1)}/s (${ratio(topLogins.rate)} x)`,
  );
  const topHttp = best(httpCeiling);
  console.log(
    `${engine}: bare HTTP + argon2id server best c=${topHttp.c} ${topHttp.rate.toFixed(1)}/s (${ratio(topHttp.rate)} x best ceiling)`,
  );
  console.log(
    `${engine}: wrong password median ${timing.wrongPassword.toFixed(1)} ms; unknown username median ${timing.unknownUser.toFixed(1)} ms (${PROBES} each)`,
  );
  const common = { bench: 'login', engine, members: LOGINS, unit: '/s', higherIsBetter: true } as const;
  if (logins[2] !== undefined) {
    reportFigure({ ...common, figure: 'password logins/s, c=2', value: logins[2], ceiling: ceiling[2] });
  }
  reportFigure({
    ...common,
    figure: 'password logins/s, best c (ceiling: best c)',
    value: topLogins.rate,
    ceiling: top.rate,
  });
  reportFigure({
    ...common,
    figure: 'bare HTTP + argon2id server, best c (reference)',
    value: topHttp.rate,
    ceiling: top.rate,
  });
  for (const [figure, value] of [
    ['wrong password, median', timing.wrongPassword],
    ['unknown username, median', timing.unknownUser],
  ] as const) {
    reportFigure({ ...common, figure, value, unit: 'ms', higherIsBetter: false });
  }
}
