import type { SelfServiceRequest } from '../src/domain/deps.ts';
import type { JobQueue } from '../src/jobs/queue.ts';
import { runSelfServiceJobs, SELF_SERVICE_REQUEST } from '../src/jobs/selfServiceJob.ts';
import type { TestApp } from './harness.ts';

/**
 * Runs the "Forgot password?" / "Forgot username?" requests waiting in the job queue, as the worker would
 * (the same handler), and returns how many there were. Tests call it between the POST and delivery.
 */
export async function runQueuedSelfServiceJobs(app: TestApp): Promise<number> {
  const boss = await (app.deps.jobs as JobQueue).start();
  let handled = 0;
  for (;;) {
    const jobs = await boss.fetch<SelfServiceRequest>(SELF_SERVICE_REQUEST, { batchSize: 50 });
    if (jobs.length === 0) return handled;
    await runSelfServiceJobs(app.deps, boss, jobs);
    handled += jobs.length;
  }
}
