/**
 * Upload latency benchmark: how long `GET /login` takes for other visitors while an administrator
 * uploads a 99 MB roster file to a real listening server (issue 9 item 8: before the upload streamed to
 * disk, one such upload made /login take 27 s). Reports p50/p95/max of /login with no upload, during the
 * transfer of a 99 MB file the portal refuses once read (not UTF-8: the transfer alone), during a
 * 99 MB roster (1.6 million rows) that is transferred, checked and stored, and during its preview page
 * (parsed again and counted against the roster). The CSV work and, on the embedded database, every
 * statement run on the server's event loop, so they must give it back often (decision 0013).
 *
 *   node --import tsx bench/upload-latency.ts
 */

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openPglite } from '../src/db/connect.ts';
import { createAdminLogin } from '../src/domain/setup/createAdminLogin.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/logging.ts';

const FILE_BYTES = 99 * 1024 * 1024;
const PROBE_EVERY_MS = 50;
const PASSWORD = 'violet tractor umbrella 42';

/** The portal, in its own process as in production, so that a blocked event loop shows in the probes. */
async function runServer() {
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', UPLOAD_LIMIT_MB: '100' });
  const database = await openPglite(undefined);
  await database.migrate();
  const app = await createApp(config, { database, logger: createLogger('silent') });
  const server = await buildServer(app);
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  await app.deps.db.transaction((tx) =>
    createAdminLogin(
      tx,
      {
        firstName: 'Bench',
        lastName: 'Admin',
        email: 'bench@example.org',
        username: 'bench',
        password: PASSWORD,
        role: 'admin',
        memberNumber: 'B1',
      },
      { now: new Date(), passwordMinLength: 12 },
    ),
  );
  process.send!(address);
}

if (process.argv[2] === 'server') {
  await runServer();
} else {
  await runClient();
}

async function runClient() {
  const child = fork(fileURLToPath(import.meta.url), ['server'], { execArgv: ['--import', 'tsx'] });
  const base = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))));

  /** A tiny cookie jar over fetch, as the admin's browser. */
  let cookies = '';
  async function fetchAs(path: string, init: RequestInit = {}) {
    const res = await fetch(new URL(path, base), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookies },
    });
    const jar = new Map(cookies ? cookies.split('; ').map((c) => c.split('=') as [string, string]) : []);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    cookies = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    return res;
  }
  const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

  const loginPage = await fetchAs('/login');
  await fetchAs('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: tokenOf(await loginPage.text()),
      username: 'bench',
      password: PASSWORD,
    }),
  });
  const IMPORT = '/admin/member-management/import';

  /** Sends one multipart upload (token first, then the file) and resolves with the answer's status and Location. */
  async function upload(file: Buffer): Promise<{ status: number; location: string }> {
    const token = tokenOf(await (await fetchAs(IMPORT)).text());
    const boundary = `----bench${randomBytes(8).toString('hex')}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    return new Promise((resolve, reject) => {
      const req = http.request(new URL(IMPORT, base), {
        method: 'POST',
        headers: {
          cookie: cookies,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + file.length + tail.length),
        },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location) }));
      });
      req.on('error', reject);
      req.write(head);
      req.write(file);
      req.end(tail);
    });
  }

  /** Times `GET /login` (a fresh visitor each time) every PROBE_EVERY_MS until `until` settles. */
  async function probeWhile(until: Promise<unknown>): Promise<number[]> {
    let done = false;
    void until.finally(() => {
      done = true;
    });
    const times: number[] = [];
    while (!done) {
      const started = performance.now();
      const res = await fetch(new URL('/login', base));
      await res.text();
      times.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
    return times;
  }

  const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
  function report(label: string, times: number[], extra = '') {
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(
      `${label.padEnd(44)} n=${String(times.length).padStart(4)}  p50 ${f(pct(times, 0.5))}  p95 ${f(pct(times, 0.95))}  max ${f(Math.max(...times))}${extra}`,
    );
  }

  report('GET /login, idle', await probeWhile(new Promise((r) => setTimeout(r, 3000))));

  const notUtf8 = Buffer.alloc(FILE_BYTES, 0xff);
  let started = performance.now();
  const refused = upload(notUtf8);
  report(
    'GET /login during 99 MB upload (refused file)',
    await probeWhile(refused),
    `  upload ${(await refused).status} in ${seconds(started)}`,
  );

  const row = (i: number) => `${100000 + i},First${i},Last${i},member${i}@example.org,current\r\n`;
  const rows: string[] = ['member_number,first_name,last_name,email,status\r\n'];
  let size = rows[0]!.length;
  for (let i = 0; size < FILE_BYTES; i++) {
    rows.push(row(i));
    size += rows.at(-1)!.length;
  }
  const roster = Buffer.from(rows.join('')).subarray(0, FILE_BYTES);
  started = performance.now();
  const stored = upload(roster);
  report(
    'GET /login during 99 MB roster upload + check',
    await probeWhile(stored),
    `  upload ${(await stored).status} in ${seconds(started)}`,
  );

  started = performance.now();
  const preview = fetchAs((await stored).location).then(async (res) => ({ res, body: await res.text() }));
  const previewed = await probeWhile(preview);
  const added = /<strong>([\d,]+)<\/strong> To be added/.exec((await preview).body)?.[1];
  report(
    'GET /login during the preview page of it',
    previewed,
    `  preview ${(await preview).res.status} (${added} to add) in ${seconds(started)}`,
  );

  child.kill();
}
