/**
 * Login benchmark: password logins per second through the whole HTTP stack versus the machine's ceiling
 * (bare argon2id verifications at the same concurrency), and the time a wrong password and an unknown
 * username take — they must be indistinguishable.
 *
 *   node --import tsx bench/login.ts
 */
import os from 'node:os';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openPglite } from '../src/db/connect.ts';
import { createAdminLogin } from '../src/domain/setup/createAdminLogin.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/logging.ts';

const CONCURRENCY = 2;
const LOGINS = 300;
const PROBES = 60;
const PASSWORD = 'violet tractor umbrella 42';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function inParallel(count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

// TRUST_PROXY: each probe comes from its own address, so the per-address throttle stays out of the way.
const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', TRUST_PROXY: '1' });
const database = await openPglite(undefined);
await database.migrate();
const app = await createApp(config, { database, logger: createLogger('silent') });
const server = await buildServer(app);
const base = await server.listen({ port: 0, host: '127.0.0.1' });

const usernames = Array.from({ length: PROBES + 1 }, (_, i) => `bench${i}`);
await app.deps.db.transaction(async (tx) => {
  for (const [i, username] of usernames.entries()) {
    await createAdminLogin(
      tx,
      {
        firstName: 'Bench',
        lastName: `User${i}`,
        email: `${username}@example.org`,
        username,
        password: PASSWORD,
        role: 'admin',
        memberNumber: `B${i}`,
      },
      { now: new Date(), passwordMinLength: 12 },
    );
  }
});

const loginPage = await fetch(`${base}/login`);
const cookie = loginPage.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
const postLogin = (username: string, password: string, ip: string) =>
  fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
    body: new URLSearchParams({ _csrf: csrf, username, password }),
  });

// Ceiling: argon2id verifications with the same parameters and concurrency, nothing else.
const argonHash = await hash(PASSWORD, {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});
const ceilingSeconds = await inParallel(LOGINS, async () => {
  await verify(argonHash, PASSWORD);
});
const loginSeconds = await inParallel(LOGINS, async (i) => {
  const res = await postLogin(usernames[0]!, PASSWORD, `10.9.${i >> 8}.${i & 255}`);
  if (res.status !== 303) throw new Error(`login failed with ${res.status}`);
});

// Wrong password (existing account) against unknown username, interleaved so drift hits both alike.
const wrongPassword: number[] = [];
const unknownUser: number[] = [];
for (let i = 0; i < PROBES; i++) {
  for (const [list, username] of [
    [wrongPassword, usernames[i + 1]!],
    [unknownUser, `nobody${i}`],
  ] as const) {
    const t = performance.now();
    const res = await postLogin(
      username,
      'wrong password entirely',
      `10.8.${i}.${list === unknownUser ? 1 : 2}`,
    );
    list.push(performance.now() - t);
    if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
  }
}

const ceiling = LOGINS / ceilingSeconds;
const logins = LOGINS / loginSeconds;
console.log(`machine: ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, PGlite`);
console.log(`argon2id verify ceiling (concurrency ${CONCURRENCY}): ${ceiling.toFixed(1)}/s`);
console.log(
  `login requests (concurrency ${CONCURRENCY}): ${logins.toFixed(1)}/s = ${(logins / ceiling).toFixed(2)} x ceiling`,
);
console.log(
  `wrong password: median ${median(wrongPassword).toFixed(1)} ms; unknown username: median ${median(unknownUser).toFixed(1)} ms (${PROBES} each)`,
);
await server.close();
await database.close();
