import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging.ts';
import { jobRuns } from './jobRuns.ts';

function capturedLogger() {
  const lines: { level: number; msg: string; err?: { message: string } }[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('jobRuns', () => {
  it('logs a failed run, which pg-boss would only record, and still fails it', async () => {
    const { logger, lines } = capturedLogger();
    const { tracked } = jobRuns(logger);
    const run = tracked('email delivery', async () => {
      throw new Error('deadlock detected');
    });
    await expect(run()).rejects.toThrow('deadlock detected');
    expect(lines).toMatchObject([
      { level: 50, msg: 'email delivery failed', err: { message: 'deadlock detected' } },
    ]);
  });

  it('warns rather than errs while the database is unreachable', async () => {
    const { logger, lines } = capturedLogger();
    const { tracked } = jobRuns(logger);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(tracked('reminder check', () => Promise.reject(refused))()).rejects.toBe(refused);
    expect(lines).toMatchObject([{ level: 40, msg: 'reminder check: database unreachable, will retry' }]);
  });

  it('stops once every run in progress has ended, and says nothing of runs that went well', async () => {
    const { logger, lines } = capturedLogger();
    const { tracked, stop } = jobRuns(logger);
    let finish = () => {};
    let ended = false;
    const run = tracked('housekeeping', () => new Promise<void>((resolve) => (finish = resolve)))();
    const waited = stop().then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false);
    finish();
    await Promise.all([run, waited]);
    expect(ended).toBe(true);
    expect(lines).toEqual([]);
  });

  // Seen at the end of a 1M Send All bench: pg-boss handed over a job it had fetched as the worker stopped,
  // and the sweep ran on the closed pool ("email sweep failed: Cannot use a pool after calling end").
  it('once stopped, starts no run: a job handed over late is refused, for pg-boss to retry, not an error', async () => {
    const { logger, lines } = capturedLogger();
    const { tracked, stop } = jobRuns(logger);
    let ran = false;
    const sweep = tracked('email sweep', async () => {
      ran = true;
    });
    await stop();
    await expect(sweep()).rejects.toThrow('email sweep: not started, the worker is stopping');
    expect(ran).toBe(false);
    expect(lines).toMatchObject([{ level: 30, msg: 'email sweep: not started, the worker is stopping' }]);
  });
});
