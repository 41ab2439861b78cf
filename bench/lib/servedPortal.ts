/**
 * A portal in a process of its own for the memory benchmarks: `gatehouse serve` (tests/cliProcess.ts) on a
 * scratch PostgreSQL database or a fresh DATA_DIR, an Administrator signed in over HTTP, and the process's
 * resident memory read from /proc (VmRSS now, VmHWM the peak since the last `resetPeak`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { runCli, startServer, tempDataDir } from '../../tests/cliProcess.ts';
import { scratchDatabase } from './roster.ts';

const PASSWORD = 'violet tractor umbrella 42';
const ADMIN = ['admin', 'create', '--username', 'bench', '--email', 'bench@example.org'];

/** A scratch database on the server of `pgUrl` (dropped by `drop`), or null for a fresh DATA_DIR. */
export async function portalDatabase(
  pgUrl: string | null,
): Promise<{ env: Record<string, string>; url: string | null; drop(): Promise<void> }> {
  const dataDir = tempDataDir();
  const dropDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (!pgUrl) return { env: { DATA_DIR: dataDir }, url: null, drop: async () => dropDir() };
  const scratch = await scratchDatabase(pgUrl);
  const drop = async () => {
    dropDir();
    await scratch.drop();
  };
  return { env: { DATABASE_URL: scratch.url, DATA_DIR: dataDir }, url: scratch.url, drop };
}

const kB = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** Resident memory of a process in MB: now, or its peak since the last reset. */
export const rssMb = (pid: number) => Math.round(kB(pid, 'VmRSS') / 1024);
export const peakRssMb = (pid: number) => Math.round(kB(pid, 'VmHWM') / 1024);
/** Starts counting the peak afresh (Linux: writing 5 to clear_refs resets VmHWM to the current RSS). */
export const resetPeak = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, '5');

/** `gatehouse serve` (without the worker: nothing here sends email) with an Administrator signed in. */
export async function startPortal(env: Record<string, string>) {
  const all = { UPLOAD_LIMIT_MB: '500', GATEHOUSE_PASSWORD: PASSWORD, ...env };
  const created = await runCli(
    [...ADMIN, '--first-name', 'Bench', '--last-name', 'Admin', '--role', 'admin'],
    all,
  );
  if (created.code !== 0) throw new Error(`admin create failed: ${created.stderr}`);
  const server = await startServer({ ...all, LOG_LEVEL: 'info' });
  const pid = server.child.pid!;
  const admin = session(server.url);
  await admin.logIn();
  return { url: server.url, pid, admin, stop: server.stop };
}

/** The Administrator's browser: cookies kept, forms posted with the token of the page they are on. */
function session(base: string) {
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
  const post = async (path: string, formPage: string, form: Record<string, string> = {}) => {
    const token = tokenOf(await (await fetchAs(formPage)).text());
    return fetchAs(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, ...form }),
    });
  };
  return {
    fetchAs,
    tokenOf,
    post,
    logIn: async () => {
      const res = await post('/login', '/login', { username: 'bench', password: PASSWORD });
      if (res.status !== 303) throw new Error(`login answered ${res.status}`);
    },
    /** Reads a download to its end without keeping it; resolves with its size in bytes. */
    download: async (path: string) => {
      const res = await fetchAs(path);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      let bytes = 0;
      for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
      return bytes;
    },
    /** One multipart upload of a roster file (token first, as the form sends it): status and Location. */
    upload: async (path: string, file: Buffer): Promise<{ status: number; location: string }> => {
      const token = tokenOf(await (await fetchAs(path)).text());
      const boundary = `----bench${randomBytes(8).toString('hex')}`;
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      return new Promise((resolve, reject) => {
        const req = http.request(new URL(path, base), {
          method: 'POST',
          headers: {
            cookie: cookies,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + file.length + tail.length),
          },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, location: String(res.headers.location) }),
          );
        });
        req.on('error', reject);
        req.write(head);
        req.write(file);
        req.end(tail);
      });
    },
  };
}

export type PortalSession = ReturnType<typeof session>;
