import type { App } from '../app.ts';
import { purgeOldThrottleRows } from '../domain/auth/loginThrottle.ts';
import { purgeExpiredSessions } from '../domain/auth/sessions.ts';
import { purgeStaleRosterUploads } from '../domain/members/rosterUploads.ts';

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

/** The background worker: periodic housekeeping of sessions, login counters and abandoned uploads. */
export function startWorker(app: App): { stop(): void } {
  const housekeeping = async () => {
    try {
      await purgeExpiredSessions(app.deps);
      await purgeOldThrottleRows(app.deps.db, app.deps.clock.now());
      await purgeStaleRosterUploads(app.deps);
    } catch (err) {
      app.logger.error({ err }, 'housekeeping failed');
    }
  };
  void housekeeping();
  const timer = setInterval(housekeeping, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
