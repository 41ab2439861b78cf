import type { Logger } from 'pino';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';

/**
 * A database restart must not end a long-running process (issue 10, item 2). pg-boss settles a finished
 * job with `complete()`/`fail()` without awaiting them, so while PostgreSQL is away their rejections
 * escape as unhandled ones, which Node treats as fatal. Those are logged and survived: the pool connects
 * afresh once the database is back, and an unsettled job expires and is retried (the email sweep, once a
 * minute, picks up whatever is due anyway). Any other unhandled rejection stays fatal, as Node has it.
 */
export function surviveDatabaseOutages(logger: Logger): { shuttingDown(): void } {
  let shuttingDown = false;
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnreachable(reason)) {
      logger.warn({ err: reason }, 'database unreachable in a background task; carrying on');
      return;
    }
    // Once the process is stopping, pg-boss may still settle a job it ran (unawaited) on the pool being
    // closed ("Cannot use a pool after calling end"). The process exits 0 in a moment; the job expires and
    // runs again elsewhere. A rejection then is not a crash, and SIGTERM must not end with exit code 1.
    if (shuttingDown) {
      logger.warn({ err: reason }, 'unhandled rejection while shutting down; ignored');
      return;
    }
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });
  return {
    shuttingDown: () => {
      shuttingDown = true;
    },
  };
}
