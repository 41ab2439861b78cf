import { expect } from 'vitest';
import { startServer, tempDataDir } from './cliProcess.ts';
import { formKeyFrom, GOOD_PASSWORD } from './factories.ts';
import { createScratchDatabase } from './harness.ts';

/** The database a portal process under test uses: a scratch PostgreSQL database, or a fresh DATA_DIR. */
export async function databaseEnv(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { env: { DATA_DIR: tempDataDir() }, drop: async () => {} };
  const scratch = await createScratchDatabase(url, 'gatehouse_resume');
  return { env: { DATABASE_URL: scratch.url, DATA_DIR: tempDataDir() }, drop: scratch.drop };
}

/** A browser-like HTTP client for a portal running in another process: cookies and CSRF tokens. */
export function portalClient(baseUrl: string) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return res;
  };
  const get = async (path: string) =>
    keep(await fetch(baseUrl + path, { headers: { cookie: cookie() }, redirect: 'manual' }));
  const post = async (path: string, form: Record<string, string>, formPage: string) => {
    const page = await (await get(formPage)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    return keep(
      await fetch(baseUrl + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...formKeyFrom(page), ...form }),
      }),
    );
  };
  return {
    get,
    post,
    async logIn(username: string) {
      expect((await post('/login', { username, password: GOOD_PASSWORD }, '/login')).status).toBe(303);
    },
  };
}

/**
 * Starts the portal again after a stop or a crash and follows the Send All progress page until the round
 * is finished (or a minute or two has passed); returns the last page seen.
 */
export async function restartAndFollowRound(
  env: Record<string, string>,
  progressPath: string,
  everyMs: number,
) {
  const server = await startServer(env);
  let progress = '';
  try {
    const client = portalClient(server.url);
    await client.logIn('boss');
    for (let i = 0; i < 120 && !progress.includes('Finished'); i++) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      progress = await (await client.get(progressPath)).text();
    }
  } finally {
    await server.stop();
  }
  return progress;
}
