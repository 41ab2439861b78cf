import type { Logger } from 'pino';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';

/**
 * The worker's job handlers, wrapped. Every run in progress is kept, so that stopping waits for all of
 * them before the database closes: a handler still running then would fail on the closed pool (and so
 * would pg-boss settling its job). Once stopping, no run starts: pg-boss can still hand over a job it
 * fetched just as it was told to stop, and that job is refused, for pg-boss to retry or let expire. A run
 * that fails is logged: pg-boss records the job as failed and says nothing, so a delivery run that lost
 * its statement (a deadlock, say) would otherwise go unseen.
 */
export function jobRuns(logger: Logger) {
  const running = new Set<Promise<unknown>>();
  let stopping = false;
  return {
    tracked:
      <A extends unknown[]>(what: string, handler: (...args: A) => Promise<unknown>) =>
      async (...args: A) => {
        if (stopping) {
          const refused = `${what}: not started, the worker is stopping`;
          logger.info(refused);
          throw new Error(refused);
        }
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
    /** From now on no run starts; resolves once every run in progress has ended, however it ended. */
    stop: () => {
      stopping = true;
      return Promise.allSettled(running);
    },
  };
}
