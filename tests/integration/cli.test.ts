import { describe, expect, it } from 'vitest';
import { adminCreateArgs, askSocket, runCli, startServer, tempDataDir } from '../cliProcess.ts';
import { GOOD_PASSWORD } from '../factories.ts';
import { EMBEDDED_DATA_DIR_ONLY, inPostgresSuite, migratedDataDir } from '../migratedDataDir.ts';

// These run the real `gatehouse` binary against an embedded database in a temporary directory: a copy of
// one migrated by the global setup, except where the empty directory is the point (the very first start).
// Each case starts real processes (about a second of start-up each): give them room on a busy machine.
describe.skipIf(inPostgresSuite)(
  `gatehouse command line (${EMBEDDED_DATA_DIR_ONLY})`,
  { timeout: 120_000 },
  () => {
    it('works on its own and hands commands to a running server on the same data directory', async () => {
      const DATA_DIR = migratedDataDir();
      const env = { DATA_DIR, GATEHOUSE_PASSWORD: GOOD_PASSWORD };

      const alone = await runCli(adminCreateArgs('first'), env);
      expect(alone.stdout).toContain('Created Security Administrator login "first"');
      expect(alone.code).toBe(0);

      const server = await startServer({ DATA_DIR });
      try {
        // A Security Administrator exists already, so no setup link is offered.
        expect(server.setupUrl).toBeNull();
        const handed = await runCli([...adminCreateArgs('second'), '--role', 'admin'], env);
        expect(handed.stdout).toContain('Created Administrator login "second"');
        expect(handed.code).toBe(0);

        const refused = await runCli(adminCreateArgs('second'), env);
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

    // Item 14 of issue 9: task names were looked up in a plain object, so `valueOf` or `constructor` ran
    // Object.prototype's methods, and arguments reached the use-cases unchecked.
    it('refuses unknown tasks and malformed arguments on the control socket, and keeps serving', async () => {
      const DATA_DIR = migratedDataDir();
      const server = await startServer({ DATA_DIR });
      try {
        for (const task of ['valueOf', 'constructor', '__proto__', 'hasOwnProperty', 'toString']) {
          expect(await askSocket(DATA_DIR, JSON.stringify({ task, args: {} }))).toEqual([
            { print: `error: unknown task "${task}"` },
            { exit: 2 },
          ]);
        }
        const badArgs = await askSocket(
          DATA_DIR,
          JSON.stringify({ task: 'adminCreate', args: { username: 'x', role: 'root', password: 7 } }),
        );
        expect(badArgs.at(-1)).toEqual({ exit: 2 });
        const said = JSON.stringify(badArgs);
        expect(said).toContain('error: invalid arguments for adminCreate');
        expect(said).toMatch(/email/);
        expect(said).toMatch(/role/);
        expect(said).toMatch(/password/);
        for (const line of [
          'not json',
          'null',
          '[1,2]',
          '{"task":7}',
          JSON.stringify({ task: 'demo', args: { members: 'lots' } }),
          JSON.stringify({ task: 'demo', args: { members: 5, extra: true } }),
          JSON.stringify({ task: 'migrate', args: [] }),
        ]) {
          const answers = await askSocket(DATA_DIR, line);
          expect(answers.at(-1), line).toEqual({ exit: 2 });
          expect(JSON.stringify(answers[0]), line).toMatch(/^\{"print":"error: /);
        }
        // Nothing of that hurt the server: it still answers pages and runs a well-formed task.
        expect(await askSocket(DATA_DIR, JSON.stringify({ task: 'migrate', args: {} }))).toEqual([
          { print: 'Database migrations are up to date.' },
          { exit: 0 },
        ]);
        expect((await fetch(`${server.url}/login`)).status).toBe(200);
        expect(server.child.exitCode).toBeNull();
      } finally {
        await server.stop();
      }
    });

    it('prints a one-time setup link on an empty database', async () => {
      // An empty directory, as on a first `npm start`: the server creates the database and migrates it.
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
  },
);
