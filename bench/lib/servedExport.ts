import { paths, withQuery } from '../../src/http/paths.ts';
import { reportFigure } from './figures.ts';
import { peakRssMb, resetPeak, rssMb, startPortal } from './servedPortal.ts';

/**
 * `gatehouse serve` (a process of its own) on a database already holding the roster: its resident memory
 * at rest, then its peak (VmHWM) while an Administrator downloads Member Roster - Current as CSV, by Last
 * Login desc, read to the end as fast as the client can.
 */
export async function servedExport(env: Record<string, string>, engine: 'postgres' | 'pglite', size: number) {
  const portal = await startPortal(env);
  try {
    const atRest = rssMb(portal.pid);
    resetPeak(portal.pid);
    const started = performance.now();
    const bytes = await portal.admin.download(
      withQuery(paths.memberRosterCsv, { sort: 'lastLogin', dir: 'desc' }),
    );
    const seconds = (performance.now() - started) / 1000;
    const peak = peakRssMb(portal.pid);
    console.log(
      `  gatehouse serve (${engine}): RSS at rest ${atRest} MB; CSV export over HTTP ${Math.round(bytes / 1048576)} MB ` +
        `in ${seconds.toFixed(1)} s, peak RSS ${peak} MB`,
    );
    const figure = { bench: 'reports', engine, members: size, unit: 'MB', higherIsBetter: false } as const;
    reportFigure({ ...figure, figure: 'RSS of serve at rest, holding the roster', value: atRest });
    reportFigure({ ...figure, figure: 'peak RSS of serve: Member Roster CSV export', value: peak });
    reportFigure({ ...figure, figure: 'Member Roster CSV export over HTTP', value: seconds, unit: 's' });
  } finally {
    await portal.stop();
  }
}
