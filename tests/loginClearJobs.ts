import pino from 'pino';
import { LOGIN_CLEAR_DUE, runLoginClearRequests } from '../src/jobs/loginClearJob.ts';
import type { JobQueue } from '../src/jobs/queue.ts';
import type { TestApp } from './harness.ts';

/**
 * Runs the Clear All Usernames / Restore wake-ups waiting in the job queue as the worker would (the same
 * handler), and returns how many there were. Tests call it between the POST and looking at the outcome.
 */
export async function runQueuedLoginClearJobs(app: TestApp): Promise<number> {
  const boss = await (app.deps.jobs as JobQueue).start();
  let handled = 0;
  for (;;) {
    const jobs = await boss.fetch(LOGIN_CLEAR_DUE, { batchSize: 10 });
    if (jobs.length === 0) return handled;
    await runLoginClearRequests(app.deps, pino({ level: 'silent' }));
    await boss.complete(
      LOGIN_CLEAR_DUE,
      jobs.map((j) => j.id),
    );
    handled += jobs.length;
  }
}
