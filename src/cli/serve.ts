import { createApp } from '../app.ts';
import type { Config } from '../config.ts';
import { issueSetupToken } from '../domain/setup/firstRunSetup.ts';
import { buildServer } from '../http/server.ts';
import { startWorker } from '../jobs/worker.ts';
import { startMetrics } from '../metrics/startMetrics.ts';
import { listenForCommands } from './controlSocket.ts';
import { surviveDatabaseOutages } from './processErrors.ts';

/** `gatehouse serve` / `gatehouse worker`: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function serve(config: Config, parts: { web: boolean; worker: boolean }): Promise<void> {
  const app = await createApp(config);
  const unhandled = surviveDatabaseOutages(app.logger);
  const closers: (() => Promise<void> | void)[] = [];
  // Listening for signals before anything announces itself: whoever reads `listening on` (a supervisor, a
  // test, a person) may stop the process the next moment, and must get the clean shutdown. A signal during
  // start-up closes whatever has started so far.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    unhandled.shuttingDown();
    app.logger.info(`${signal} received, shutting down`);
    for (const close of closers) await close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // Each process gets its own port (a web and a worker process on one host cannot share one).
  const observed = config.metricsPort === undefined ? undefined : await startMetrics(app, config.metricsPort);
  if (observed) closers.push(() => observed.server.close());
  if (!config.databaseUrl) {
    const control = await listenForCommands(app, config.dataDir);
    closers.push(() => control.close());
  }
  if (parts.worker) {
    const worker = await startWorker({
      deps: app.deps,
      jobs: app.jobs,
      logger: app.logger,
      singleProcess: app.database.singleProcess,
    });
    closers.push(() => worker.stop());
    if (!parts.web) app.logger.info('worker started');
  }
  if (parts.web) {
    const server = await buildServer(app, { metrics: observed?.metrics });
    const address = await server.listen({ port: config.port, host: config.host });
    closers.unshift(() => server.close());
    // PORT=0 picks a free port: links in emails must then point at the port actually chosen.
    if (config.port === 0 && !process.env.PUBLIC_URL) config.publicUrl = address;
    const setupToken = await issueSetupToken(app.deps);
    // Printed, not logged: the one-time link is for the operator's eyes, not for log storage.
    if (setupToken) console.log(setupBlock(`${config.publicUrl}/setup?token=${setupToken}`));
    // Logged last, so whoever waits for this line has seen everything start-up prints. The message is the
    // contract's `listening on <url>` (the bound address); where people should open the portal, when that
    // differs (PUBLIC_URL, localhost), rides along and the terminal shows it on the same line.
    const openAt = config.publicUrl === address ? {} : { openAt: config.publicUrl };
    app.logger.info(openAt, `listening on ${address}`);
  }
}

/** The first-run link in a frame that stands out among log lines, the URL alone on its line to copy. */
export function setupBlock(setupUrl: string): string {
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    '  No Security Administrator yet. Open this one-time link to set up the portal:',
    '',
    `  ${setupUrl}`,
    '',
    rule,
    '',
  ].join('\n');
}
