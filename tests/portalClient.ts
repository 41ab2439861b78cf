import { expect } from 'vitest';
import { browser } from './browserClient.ts';
import { runCli, startServer, tempDataDir } from './cliProcess.ts';
import { GOOD_PASSWORD } from './factories.ts';
import { createScratchDatabase } from './harness.ts';
import { migratedDataDir } from './migratedDataDir.ts';

/**
 * The database a portal process under test uses: a scratch PostgreSQL database (DATA_DIR then holds only
 * the control socket), or a fresh DATA_DIR with a migrated embedded database.
 */
export async function databaseEnv(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { env: { DATA_DIR: migratedDataDir() }, drop: async () => {} };
  const scratch = await createScratchDatabase(url, 'gatehouse_resume');
  return { env: { DATABASE_URL: scratch.url, DATA_DIR: tempDataDir() }, drop: scratch.drop };
}

/** A browser-like client (tests/browserClient.ts) that signs in with the test password. */
export function portalClient(baseUrl: string) {
  const client = browser(baseUrl);
  return { ...client, logIn: (username: string) => client.logIn(username, GOOD_PASSWORD) };
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

const SEND_ALL = '/admin/member-management/invitation-codes/send-all';

/**
 * A portal process with an Administrator "boss" and `members` demo members (every third with a
 * login), whose Send All has just been pressed; returns the server, the round's progress page and how
 * many members the round invites.
 */
export async function startSendAllOnDemoPortal(env: Record<string, string>, members: number) {
  // An Administrator (Send All is hers to press): a Security Administrator's first login would also set up
  // her second step, whose "second step added" email would join the messages these tests count.
  const admin = ['admin', 'create', '--username', 'boss', '--email', 'boss@example.org', '--role', 'admin'];
  expect((await runCli([...admin, '--first-name', 'Bo', '--last-name', 'Ss'], env)).code).toBe(0);
  expect((await runCli(['demo', '--members', String(members)], env)).code).toBe(0);
  const server = await startServer(env);
  const client = portalClient(server.url);
  await client.logIn('boss');
  // Every member without a login, lapsed included and none skipped: `pending` counts them all.
  const started = await client.post(SEND_ALL, { includeLapsed: '1', skipRecentHours: '0' }, SEND_ALL);
  expect(started.status).toBe(303);
  return {
    server,
    progressPath: started.headers.get('location')!,
    pending: members - Math.ceil(members / 3),
  };
}
