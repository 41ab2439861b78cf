import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cliProcess.ts';
import { databaseEnv } from '../portalClient.ts';

/**
 * Issue 10, item 12: what `gatehouse serve` prints. In a terminal (a pseudo-terminal through util-linux
 * `script`), one readable line per event; through a pipe, JSON lines. Both: the first-run link in a
 * frame, alone on its line, and one `listening on <url>` line.
 */

const SETUP_LINE = /^ {2}(http:\/\/\S+\/setup\?token=[\w-]{43})$/;

/** The lines of the setup block: a rule, the sentence, a blank, the link, a blank, the rule again. */
function setupBlockOf(lines: string[]): string[] {
  const at = lines.findIndex((line) => SETUP_LINE.test(line));
  expect(at, lines.join('\n')).toBeGreaterThan(2);
  return lines.slice(at - 3, at + 3);
}

function expectFramedSetupLink(lines: string[]) {
  const [top, sentence, before, link, after, bottom] = setupBlockOf(lines);
  expect(top).toMatch(/^={60,}$/);
  expect(sentence).toContain('Open this one-time link to set up the portal');
  expect(before).toBe('');
  expect(link).toMatch(SETUP_LINE);
  expect(after).toBe('');
  expect(bottom).toBe(top);
}

/** `gatehouse serve` with a pseudo-terminal as its stdout; resolves once it listens. */
function serveInTerminal(env: Record<string, string>) {
  return new Promise<{ child: ChildProcess; output: () => string }>((resolve, reject) => {
    // `exec`: `script` runs the command through $SHELL or /bin/sh. Dash (Debian's sh, used where SHELL is
    // unset, as under CI) does not exec a lone command but waits in the foreground, so Ctrl-C would kill
    // the shell (exit 130) and leave the portal running behind it.
    const command = `exec ${process.execPath} ${path.resolve('bin/gatehouse.js')} serve`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NO_COLOR: '1', ...env },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      if (/INFO: listening on http/.test(output)) resolve({ child, output: () => output });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

describe('start-up output', { timeout: 90_000 }, () => {
  let db: Awaited<ReturnType<typeof databaseEnv>>;
  beforeAll(async () => {
    db = await databaseEnv();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('in a terminal: one readable line per event and the setup link framed', async () => {
    // Behind a PUBLIC_URL the bound address is not where people go: the line names both.
    const { child, output } = await serveInTerminal({ ...db.env, PUBLIC_URL: 'http://portal.test' });
    try {
      // The terminal turns \n into \r\n.
      const lines = output().replace(/\r/g, '').split('\n');
      expectFramedSetupLink(lines);
      const logLines = lines.filter((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] [A-Z]+: /.test(line));
      const listening = lines.filter((line) => /listening/i.test(line));
      expect(listening).toHaveLength(1);
      expect(listening[0]).toMatch(
        /INFO: listening on http:\/\/127\.0\.0\.1:\d+ — open http:\/\/portal\.test$/,
      );
      expect(lines.some((line) => line.startsWith('{'))).toBe(false);
      // Nothing else but the setup block and the log lines (and the blank ends of lines).
      const setupBlock = setupBlockOf(lines);
      const other = lines.filter((l) => l !== '' && !logLines.includes(l) && !setupBlock.includes(l));
      expect(other).toEqual([]);
    } finally {
      // Ctrl-C, as a person would: the terminal sends SIGINT and the server shuts down cleanly.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.write('\x03');
      expect(await exited).toBe(0);
    }
  });

  it('through a pipe: JSON lines, the setup link framed, one listening line, no metrics', async () => {
    const server = await startServer({ ...db.env, LOG_LEVEL: 'info' });
    try {
      const lines = server.output().split('\n');
      expectFramedSetupLink(lines);
      const logLines = lines.filter((line) => line.startsWith('{'));
      for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
      const listening = logLines.filter((line) => /listening/i.test(line));
      expect(listening).toHaveLength(1);
      expect(listening[0]).toContain(`"msg":"listening on ${server.url}"`);
      // The link is printed for the operator, never logged.
      const token = server.setupUrl!.split('token=')[1]!;
      expect(logLines.some((line) => line.includes(token))).toBe(false);
      // METRICS_PORT unset: no metrics listener, and nothing of them on the public port.
      expect(server.output()).not.toContain('metrics on');
      const publicMetrics = await fetch(`${server.url}/metrics`, { redirect: 'manual' });
      expect(await publicMetrics.text()).not.toContain('# HELP');
    } finally {
      await server.stop();
    }
  });
});
