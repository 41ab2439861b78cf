import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { App } from '../app.ts';
import { withoutStatementValues } from '../logging.ts';
import type { CommandIO } from './io.ts';
import type { TaskName } from './tasks.ts';

/**
 * The embedded database admits one process. The process that has it open (`serve`, `worker`) listens on
 * a Unix socket inside DATA_DIR — owner-only, like the directory — and runs commands handed to it, so
 * `gatehouse members import` and friends work while the portal is running.
 *
 * Protocol: one JSON line `{ task, args }` in; JSON lines `{ print }`, `{ progress }` and a final `{ exit }` out.
 */
export const socketPath = (dataDir: string) => path.join(dataDir, 'gatehouse.sock');

type Message = { print: string } | { progress: [number, number, string] } | { exit: number };

export async function listenForCommands(app: App, dataDir: string): Promise<{ close(): Promise<void> }> {
  // Loaded by the server only: a client of this socket (sendToRunningServer) needs none of the tasks.
  const { runTask } = await import('./tasks.ts');
  const file = socketPath(dataDir);
  fs.rmSync(file, { force: true }); // we hold the data-directory lock, so a socket file here is stale
  const server = net.createServer((conn) => {
    // A client that vanishes mid-answer must not take the server down with an unhandled 'error' event.
    conn.on('error', () => {});
    const send = (m: Message) => conn.writable && conn.write(`${JSON.stringify(m)}\n`);
    const lines = readline.createInterface({ input: conn });
    lines.once('line', async (line) => {
      lines.close();
      const io: CommandIO = {
        print: (text) => send({ print: text }),
        progress: (done, total, label) => send({ progress: [done, total, label] }),
      };
      try {
        const request = parseRequest(line);
        if (!request) {
          send({ print: 'error: expected one JSON line {"task": "<name>", "args": {…}}' });
          send({ exit: 2 });
        } else {
          send({ exit: await runTask(app, request.task, request.args, io) });
        }
      } catch (err) {
        app.logger.error({ err }, 'control socket command failed');
        send({ print: `error: ${withoutStatementValues(err as Error).message}` });
        send({ exit: 2 });
      }
      conn.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  fs.chmodSync(file, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(file, { force: true });
      }),
  };
}

/** The request on the socket, or null when the line is not a JSON object (the task checks the rest). */
function parseRequest(line: string): { task: unknown; args: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { task, args } = value as { task?: unknown; args?: unknown };
  return { task, args };
}

/**
 * Hands a task to the process holding the data directory. Resolves to its exit code, or null when no
 * process is listening (then the caller may open the database itself).
 */
export function sendToRunningServer(
  dataDir: string,
  task: TaskName,
  args: unknown,
  io: CommandIO,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socketPath(dataDir));
    let exitCode: number | null = null;
    let connected = false;
    conn.once('connect', () => {
      connected = true;
      conn.write(`${JSON.stringify({ task, args })}\n`);
      readline.createInterface({ input: conn }).on('line', (line) => {
        const m = JSON.parse(line) as Message;
        if ('print' in m) io.print(m.print);
        else if ('progress' in m) io.progress(...m.progress);
        else exitCode = m.exit;
      });
    });
    conn.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')) resolve(null);
      else reject(err);
    });
    conn.once('close', () => {
      if (!connected) return;
      if (exitCode === null)
        reject(new Error('The running server closed the connection before the command finished.'));
      else resolve(exitCode);
    });
  });
}
