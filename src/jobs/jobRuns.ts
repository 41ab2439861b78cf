import type { Logger } from 'pino';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';

/**
 * The worker's job handlers, wrapped. Every run in progress is kept, so that stopping waits for all of
 * them before the database closes: a handler still running then would fail on the closed pool (and so
 * would pg-boss settling its job). A run that fails is logged: pg-boss records the job as failed and
 * says nothing, so a delivery run that lost its statement (a deadlock, say) would otherwise go unseen.
 */
export function jobRuns(logger: Logger) {
  const running = new Set<Promise<unknown>>();
  return {
    tracked:
      <A extends unknown[]>(what: string, handler: (...args: A) => Promise<unknown>) =>
      async (...args: A) => {
        const run = handler(...args);
        running.add(run);
        try {
          await run;
        } catch (err) {
          // An outage is already said once by the job queue and the health check; a warning per run here.
          if (isDatabaseUnreachable(err)) logger.warn({ err }, `${what}: database unreachable, will retry`);
          else logger.error({ err }, `${what} failed`);
          throw err;
        } finally {
          running.delete(run);
        }
      },
    /** Resolves once every run in progress has ended, however it ended. */
    settled: () => Promise.allSettled(running),
  };
}
