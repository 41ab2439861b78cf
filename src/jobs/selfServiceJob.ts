import type PgBoss from 'pg-boss';
import { handleSelfServiceRequest } from '../domain/accounts/selfService.ts';
import type { Deps, SelfServiceRequest } from '../domain/deps.ts';

/** "Forgot password?" / "Forgot username?" requests, handled off the request path (decision 0009). */
export const SELF_SERVICE_REQUEST = 'self-service-request';

/**
 * Handles a batch of self-service requests, then deletes the jobs: they hold what someone typed (a
 * username or an address, maybe a mistyped password), which nothing needs once the email is queued,
 * so it must not wait in pg-boss's archive for days.
 */
export async function runSelfServiceJobs(
  deps: Deps,
  boss: PgBoss,
  jobs: PgBoss.Job<SelfServiceRequest>[],
): Promise<void> {
  for (const job of jobs) await handleSelfServiceRequest(deps, job.data);
  if (jobs.length > 0) {
    await boss.deleteJob(
      SELF_SERVICE_REQUEST,
      jobs.map((j) => j.id),
    );
  }
}
