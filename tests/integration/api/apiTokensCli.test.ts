import { describe, expect, it } from 'vitest';
import { askSocket, runCli, startServer } from '../../cliProcess.ts';
import { createScratchDatabase } from '../../harness.ts';
import { EMBEDDED_DATA_DIR_ONLY, inPostgresSuite, migratedDataDir } from '../../migratedDataDir.ts';

// The real `gatehouse` binary, as an operator or a deployment script runs it. Each case starts real
// processes (about a second each, far more on a busy machine): give them room.

const TOKEN_LINE = /^gh_[\w-]{40,}$/;

/** The token: alone on the last line of standard output (CONTRACT.md), nowhere else in it. */
function tokenOf(stdout: string): string {
  const lines = stdout.trimEnd().split('\n');
  const token = lines.at(-1)!;
  expect(token).toMatch(TOKEN_LINE);
  expect(lines.slice(0, -1).join('\n')).not.toContain(token);
  return token;
}

const create = (name: string, ...more: string[]) => ['api-token', 'create', '--name', name, ...more];

async function whoAmI(url: string, token: string) {
  const res = await fetch(`${url}/api/v1/token`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { name?: string; scopes?: string[] } };
}

describe('gatehouse api-token', { timeout: 600_000 }, () => {
  it.skipIf(inPostgresSuite)(
    `creates a token on its own and through a running server, lists and revokes them (${EMBEDDED_DATA_DIR_ONLY})`,
    async () => {
      const DATA_DIR = migratedDataDir();
      const env = { DATA_DIR };

      const alone = await runCli(
        create('Shell sync', '--scope', 'roster:write', '--scope', 'roster:read'),
        env,
      );
      expect(alone.code).toBe(0);
      expect(alone.stdout).toContain(
        'Created API token "Shell sync" (roster:read, roster:write; does not expire).',
      );
      const first = tokenOf(alone.stdout);

      const server = await startServer({ DATA_DIR });
      try {
        expect(await whoAmI(server.url, first)).toEqual({
          status: 200,
          body: { name: 'Shell sync', scopes: ['roster:read', 'roster:write'] },
        });

        // Handed to the server over the control socket: the same output.
        const handed = await runCli(
          create('Nightly', '--scope', 'invitations:send', '--expires-days', '30'),
          env,
        );
        expect(handed.code).toBe(0);
        expect(handed.stdout).toMatch(/; expires \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.\n/);
        const second = tokenOf(handed.stdout);
        expect((await whoAmI(server.url, second)).body.name).toBe('Nightly');

        const list = await runCli(['api-token', 'list'], env);
        expect(list.code).toBe(0);
        const lines = list.stdout.trimEnd().split('\n');
        expect(lines).toHaveLength(2);
        expect(lines[0]).toContain('"Nightly"');
        expect(lines[0]).toMatch(/^gh_\S{7}… {2}active/);
        expect(lines[1]).toContain('"Shell sync"');
        expect(lines[1]).toContain('last used 2');
        expect(list.stdout).not.toContain(first);
        expect(list.stdout).not.toContain(second);

        const revoked = await runCli(['api-token', 'revoke', '--name', 'shell sync'], env);
        expect(revoked.code).toBe(0);
        expect(revoked.stdout).toContain('Revoked API token "Shell sync"');
        expect((await whoAmI(server.url, first)).status).toBe(401);
        expect((await whoAmI(server.url, second)).status).toBe(200);

        const twice = await runCli(['api-token', 'revoke', '--name', 'Shell sync'], env);
        expect(twice.code).toBe(0);
        expect(twice.stdout).toContain('was revoked already');

        // The name is free again once its token is revoked.
        expect((await runCli(create('Shell sync', '--scope', 'roster:read'), env)).code).toBe(0);
      } finally {
        await server.stop();
      }
      // Neither token was ever written to the server's log.
      expect(server.output()).not.toContain(first.slice(3));
    },
  );

  it.skipIf(inPostgresSuite)(
    `refuses bad input with exit code 1, naming the option, and prints no token (${EMBEDDED_DATA_DIR_ONLY})`,
    async () => {
      const DATA_DIR = migratedDataDir();
      const env = { DATA_DIR };
      expect((await runCli(['api-token', 'list'], env)).stdout).toContain('No API tokens.');
      // Refused before the database is opened.
      const cases: [string[], string][] = [
        [
          create('X', '--scope', 'roster:delete'),
          'error: --scope: A scope is one of roster:read, roster:write, invitations:send.',
        ],
        [create('X'), 'error: --scope: Choose at least one scope.'],
        [
          create('X', '--scope', 'roster:read', '--expires-days', '0'),
          'error: --expires-days: A token must work for at least 1 day.',
        ],
        [
          create('X', '--scope', 'roster:read', '--expires-days', 'soon'),
          'error: --expires-days: Enter the number of days',
        ],
        [create('  ', '--scope', 'roster:read'), 'error: --name: Give the token a name'],
      ];
      for (const [args, message] of cases) {
        const res = await runCli(args, env);
        expect(res.stdout, args.join(' ')).toContain(message);
        expect(res.stdout).not.toMatch(/gh_/);
        expect(res.code, args.join(' ')).toBe(1);
      }
      const server = await startServer({ DATA_DIR });
      try {
        // The task checks its input again when handed over: the socket is input like any other.
        expect(
          await askSocket(
            DATA_DIR,
            JSON.stringify({ task: 'apiTokenCreate', args: { name: 'X', scopes: ['nope'] } }),
          ),
        ).toEqual([
          { print: 'error: --scope: A scope is one of roster:read, roster:write, invitations:send.' },
          { exit: 1 },
        ]);
        expect((await runCli(create('Taken', '--scope', 'roster:read'), env)).code).toBe(0);
        const taken = await runCli(create('TAKEN', '--scope', 'roster:read'), env);
        expect(taken.code).toBe(1);
        expect(taken.stdout).toContain('error: --name: A token named “TAKEN” already exists.');
        const nobody = await runCli(['api-token', 'revoke', '--name', 'nobody'], env);
        expect(nobody.stdout).toContain('error: --name: There is no API token named “nobody”.');
        expect(nobody.code).toBe(1);
      } finally {
        await server.stop();
      }
      expect((await runCli(['api-token', 'list'], { DATA_DIR: migratedDataDir() })).stdout).toContain(
        'No API tokens.',
      );
    },
  );

  it.runIf(process.env.TEST_DATABASE_URL)('works against PostgreSQL (DATABASE_URL, no socket)', async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'gatehouse_cli_tokens');
    try {
      const env = { DATABASE_URL: scratch.url };
      expect((await runCli(['migrate'], env)).code).toBe(0);
      const res = await runCli(create('On PG', '--scope', 'roster:read'), env);
      expect(res.code).toBe(0);
      tokenOf(res.stdout);
      expect((await runCli(['api-token', 'list'], env)).stdout).toContain('"On PG"');
    } finally {
      await scratch.drop();
    }
  });
});
