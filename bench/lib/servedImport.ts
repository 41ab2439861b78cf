import { paths } from '../../src/http/paths.ts';
import { reportFigure } from './figures.ts';
import { peakRssMb, portalDatabase, resetPeak, rssMb, startPortal } from './servedPortal.ts';

/**
 * The same file through `gatehouse serve` (a process of its own): uploaded, previewed and applied as an
 * Administrator does, with the server's peak resident memory (VmHWM) over each step.
 */
export async function servedImport(size: number, csv: string, pgUrl: string | null) {
  const database = await portalDatabase(pgUrl);
  const portal = await startPortal(database.env);
  try {
    const atRest = rssMb(portal.pid);
    const peaks: Record<string, number> = {};
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      resetPeak(portal.pid);
      const started = performance.now();
      const result = await work();
      peaks[name] = peakRssMb(portal.pid);
      console.log(
        `  ${name.padEnd(8)} ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${peaks[name]} MB`,
      );
      return result;
    };
    const engine = pgUrl ? 'postgres' : 'pglite';
    console.log(
      `\ngatehouse serve (${engine}), ${size.toLocaleString('en-GB')} rows: RSS at rest ${atRest} MB`,
    );
    const file = Buffer.from(csv);
    const { status, location } = await step('upload', () => portal.admin.upload(paths.import, file));
    if (status !== 303) throw new Error(`upload answered ${status}`);
    await step('preview', async () => (await portal.admin.fetchAs(location)).text());
    const uploadId = location.split('/').at(-1)!;
    const applied = await step('apply', () => portal.admin.post(paths.importApply(uploadId), location));
    if (applied.status !== 303) throw new Error(`apply answered ${applied.status}`);
    const peak = Math.max(...Object.values(peaks));
    reportFigure({
      bench: 'import',
      figure: 'peak RSS of serve: upload, preview and apply',
      engine,
      members: size,
      value: peak,
      unit: 'MB',
      higherIsBetter: false,
    });
  } finally {
    await portal.stop();
    await database.drop();
  }
}
