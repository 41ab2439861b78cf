import type { Deps } from '../deps.ts';

/**
 * Tells the worker a Clear All Usernames or Restore is waiting. Only a wake-up: the request row is the
 * queue, and the worker's minute sweep also runs a waiting request, so a wake-up lost (the job queue
 * unreachable just after the commit) delays the work by a minute at most instead of losing it.
 */
export async function wakeLoginClearJob(deps: Pick<Deps, 'jobs'>): Promise<void> {
  try {
    await deps.jobs.loginClearDue?.();
  } catch {
    // The sweep will find the request.
  }
}
