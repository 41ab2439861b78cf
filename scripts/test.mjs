#!/usr/bin/env node
// `npm test`: the embedded-database suite always; the PostgreSQL and browser suites too when their
// prerequisites are on this machine (a reachable server, Debian's chromium). A suite that cannot run is
// named as not run — never counted as passed. GATEHOUSE_TEST_SUITES=embedded runs the first only
// (.ci/run does, then runs the other two itself after making sure their prerequisites are there).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const onlyEmbedded = process.env.GATEHOUSE_TEST_SUITES === 'embedded';

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function portOpen(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432), timeout: 2000 });
    const answer = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });
}

const results = [
  [
    'embedded database (PGlite)',
    run('embedded database (PGlite)', 'npx', ['vitest', 'run'], { TEST_DATABASE_URL: '' }),
  ],
];
if (!onlyEmbedded) {
  if (await portOpen(PG_URL)) {
    results.push(['PostgreSQL', run('PostgreSQL', 'npx', ['vitest', 'run'], { TEST_DATABASE_URL: PG_URL })]);
  } else {
    console.log(
      `\nPostgreSQL suite NOT RUN: nothing answers at ${new URL(PG_URL).host} (bash .ci/run starts it).`,
    );
  }
  if (existsSync('/usr/bin/chromium')) {
    results.push([
      'browser (Playwright)',
      run('browser (Playwright)', 'npx', ['playwright', 'test'], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }),
    ]);
  } else {
    console.log('\nBrowser suite NOT RUN: /usr/bin/chromium is missing (apt-get install chromium).');
  }
}
console.log('\n=== suites');
for (const [name, ok] of results) console.log(`${ok ? 'passed' : 'FAILED'}  ${name}`);
process.exit(results.every(([, ok]) => ok) ? 0 : 1);
