import readline from 'node:readline';
import { SingleBar } from 'cli-progress';
import type { CommandIO } from './io.ts';

/** Prints to stdout; progress goes to stderr as a bar in a terminal, or as a line every 10% otherwise. */
export function terminalIO(): CommandIO & { finish(): void } {
  let bar: SingleBar | undefined;
  let lastTenth = -1;
  const finish = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    print(line) {
      finish();
      console.log(line);
    },
    progress(done, total, label) {
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new SingleBar({
            format: `{bar} {percentage}% | {value}/{total} ${label} | {duration_formatted}`,
            stream: process.stderr,
          });
          bar.start(total, 0);
        }
        bar.update(done);
        if (done >= total) finish();
        return;
      }
      const tenth = Math.floor((done / Math.max(total, 1)) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${done}/${total} ${label} (${tenth * 10}%)\n`);
      }
    },
    finish,
  };
}

/** A password from GATEHOUSE_PASSWORD, a hidden prompt in a terminal, or the first line of piped input. */
export async function readPassword(prompt: string): Promise<string> {
  const fromEnv = process.env.GATEHOUSE_PASSWORD;
  if (fromEnv) return fromEnv;
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  if (!process.stdin.isTTY) {
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  // Echo nothing while the password is typed.
  const output = rl as unknown as { _writeToOutput(s: string): void; output: NodeJS.WriteStream };
  let prompted = false;
  output._writeToOutput = (s: string) => {
    if (!prompted) {
      prompted = true;
      output.output.write(s);
    }
  };
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}
