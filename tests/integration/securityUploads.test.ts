import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { browser, buildLogin, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

// A 1 MB limit keeps the too-large case quick; the mechanism is the same at 100 MB.
const app = useTestApp({ UPLOAD_LIMIT_MB: '1' });
const IMPORT = '/admin/member-management/import';
const ROSTER = 'member_number,first_name,last_name,email\r\n1001,Ada,Lovelace,ada@example.org\r\n';

function multipart(fields: [string, string][], file?: Buffer) {
  const boundary = `----gh${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = fields.map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      file,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

let listening: Promise<string> | undefined;
/** The server on a real port: what a client sees when it starts a huge body and waits. */
function baseUrl() {
  listening ??= app.server().then(async (server) => {
    await server.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  return listening;
}
afterAll(async () => (await app.server()).close());

/**
 * Announces a 100 MB multipart body, sends only its first 64 KiB and waits: the answer must come
 * without the rest of the body, which is proof it was refused before being read.
 */
async function announceHugeUpload(path: string, cookie = '') {
  const url = new URL(path, await baseUrl());
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'multipart/form-data; boundary=xyz',
        'content-length': String(100 * 1024 * 1024),
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.write('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n');
    req.write(Buffer.alloc(64 * 1024, 'a'));
    setTimeout(() => reject(new Error('no answer before the body was sent: it is being read')), 5000);
  });
}

async function signedIn(role: 'admin' | 'member') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return b;
}

describe('multipart uploads', () => {
  it('refuses an anonymous multipart POST to /login without reading the body', async () => {
    const res = await announceHugeUpload('/login');
    expect(res.status).toBe(415);
  });

  it('refuses an anonymous upload to the import route without reading the body', async () => {
    const res = await announceHugeUpload(IMPORT);
    expect(res.status).toBe(401);
  });

  it('refuses a signed-in member upload to the import route without reading the body', async () => {
    const b = await signedIn('member');
    const res = await announceHugeUpload(IMPORT, b.cookies);
    expect(res.status).toBe(403);
  });

  it('refuses an admin upload whose form token is missing or does not come first', async () => {
    const b = await signedIn('admin');
    const token = csrfFrom((await b.get(IMPORT)).body);
    const server = await app.server();
    for (const fields of [[], [['_csrf', 'forged']], [['other', 'x']]] as [string, string][][]) {
      const body = multipart(fields, Buffer.from(ROSTER));
      const res = await server.inject({
        method: 'POST',
        url: IMPORT,
        headers: { cookie: b.cookies, 'content-type': body.contentType },
        payload: body.payload,
      });
      expect(res.statusCode, JSON.stringify(fields)).toBe(403);
    }
    // The same upload with the token first goes through.
    const body = multipart([['_csrf', token]], Buffer.from(ROSTER));
    const ok = await server.inject({
      method: 'POST',
      url: IMPORT,
      headers: { cookie: b.cookies, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(ok.statusCode).toBe(303);
  });

  it('answers a file over the limit with 413: a page naming the limit, a way back, and no file left', async () => {
    const b = await signedIn('admin');
    const token = csrfFrom((await b.get(IMPORT)).body);
    const before = (await readdir(os.tmpdir())).filter((n) => n.startsWith('gatehouse-upload-'));
    const body = multipart([['_csrf', token]], Buffer.alloc(1024 * 1024 + 10, 'a'));
    const res = await (await app.server()).inject({
      method: 'POST',
      url: IMPORT,
      headers: { cookie: b.cookies, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(413);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'File too large' });
    expect(page.alert()).toContain('larger than the limit of 1 MB');
    expect(page.link('Back to Import members')).toBe(IMPORT);
    const after = (await readdir(os.tmpdir())).filter((n) => n.startsWith('gatehouse-upload-'));
    expect(after.filter((n) => !before.includes(n))).toEqual([]);
  });

  it('limits other bodies to a small size', async () => {
    const b = browser(await app.server());
    const res = await b.submit('/login', '/login', { username: 'x'.repeat(100 * 1024), password: 'y' });
    expect(res.statusCode).toBe(413);
  });
});
