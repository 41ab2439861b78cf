import { describe, expect, it } from 'vitest';
import { runCli, startServer, tempDataDir } from '../cliProcess.ts';
import { GOOD_PASSWORD } from '../factories.ts';

// These run the real `gatehouse` binary against an embedded database in a temporary directory.
const adminArgs = (username: string) => [
  'admin',
  'create',
  '--username',
  username,
  '--email',
  `${username}@example.org`,
  '--first-name',
  'Cli',
  '--last-name',
  'Admin',
];

// Each case starts real processes (about a second of start-up each): give them room on a busy machine.
describe('gatehouse command line', { timeout: 120_000 }, () => {
  it('works on its own and hands commands to a running server on the same data directory', async () => {
    const DATA_DIR = tempDataDir();
    const env = { DATA_DIR, GATEHOUSE_PASSWORD: GOOD_PASSWORD };

    const alone = await runCli(adminArgs('first'), env);
    expect(alone.stdout).toContain('Created Security Administrator login "first"');
    expect(alone.code).toBe(0);

    const server = await startServer({ DATA_DIR });
    try {
      // A Security Administrator exists already, so no setup link is offered.
      expect(server.setupUrl).toBeNull();
      const handed = await runCli([...adminArgs('second'), '--role', 'admin'], env);
      expect(handed.stdout).toContain('Created Administrator login "second"');
      expect(handed.code).toBe(0);

      const refused = await runCli(adminArgs('second'), env);
      expect(refused.stdout).toContain('username: That username is taken');
      expect(refused.code).toBe(1);

      const demo = await runCli(['demo', '--members', '30'], env);
      expect(demo.stdout).toContain('Added 30 fictional members; 10 of them have a login.');
      expect(demo.code).toBe(0);

      const migrate = await runCli(['migrate'], env);
      expect(migrate.code).toBe(0);

      const twice = await runCli(['serve'], { DATA_DIR, PORT: '0' });
      expect(twice.stderr).toContain('is in use by another Gatehouse process');
      expect(twice.code).toBe(2);

      const login = await fetch(`${server.url}/login`);
      expect(login.status).toBe(200);
    } finally {
      await server.stop();
    }
    // The server released the directory on shutdown: the command line can open it again.
    expect((await runCli(['migrate'], env)).code).toBe(0);
  });

  it('prints a one-time setup link on an empty database', async () => {
    const server = await startServer({ DATA_DIR: tempDataDir() });
    try {
      expect(server.setupUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup\?token=[\w-]{43}$/);
      const page = await fetch(server.setupUrl!.replace(/^http:\/\/[^/]+/, server.url));
      expect(page.status).toBe(200);
      // The token is printed for the operator, but never written to the log lines.
      const token = server.setupUrl!.split('token=')[1]!;
      const logLines = server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(logLines.some((l) => l.includes(token))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('stops with every configuration problem listed and exit code 2', async () => {
    const res = await runCli(['migrate'], { PORT: 'seventy', DATABASE_URL: 'mysql://nope' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('PORT');
    expect(res.stderr).toContain('DATABASE_URL');
  });
});
