import net from 'node:net';
import { expect, it } from 'vitest';
import { runCli } from '../cliProcess.ts';

it('a process that cannot reach PostgreSQL at start-up says so plainly and exits 2', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve)); // nothing listens there any more
  const run = await runCli(['worker'], {
    DATABASE_URL: `postgres://gatehouse:secret@127.0.0.1:${port}/portal`,
  });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('error: cannot reach the database (connect ECONNREFUSED');
  expect(run.stderr).not.toContain('    at '); // no stack trace
  expect(run.stderr).not.toContain('secret');
}, 30_000);
