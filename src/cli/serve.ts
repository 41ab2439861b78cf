import { createApp } from '../app.ts';
import type { Config } from '../config.ts';
import { issueSetupToken } from '../domain/setup/firstRunSetup.ts';
import { buildServer } from '../http/server.ts';
import { startWorker } from '../jobs/worker.ts';
import { listenForCommands } from './controlSocket.ts';
import { surviveDatabaseOutages } from './processErrors.ts';

/** `gatehouse serve` / `gatehouse worker`: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function serve(config: Config, parts: { web: boolean; worker: boolean }): Promise<void> {
  const app = await createApp(config);
  surviveDatabaseOutages(app.logger);
  const closers: (() => Promise<void> | void)[] = [];
  if (!config.databaseUrl) {
    const control = await listenForCommands(app, config.dataDir);
    closers.push(() => control.close());
  }
  if (parts.worker) {
    const worker = await startWorker(app);
    closers.push(() => worker.stop());
    if (!parts.web) app.logger.info('worker started');
  }
  if (parts.web) {
    const server = await buildServer(app);
    const address = await server.listen({ port: config.port, host: config.host });
    closers.unshift(() => server.close());
    // PORT=0 picks a free port: links in emails must then point at the port actually chosen.
    if (config.port === 0 && !process.env.PUBLIC_URL) config.publicUrl = address;
    const setupToken = await issueSetupToken(app.deps);
    if (setupToken) {
      // Printed, not logged: the one-time link is for the operator's eyes, not for log storage.
      console.log(
        `\nNo Security Administrator yet. Open this one-time link to set up the portal:\n  ${config.publicUrl}/setup?token=${setupToken}\n`,
      );
    }
    // Logged last, so whoever waits for this line has seen everything start-up prints.
    app.logger.info(`listening on ${address}`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info(`${signal} received, shutting down`);
    for (const close of closers) await close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
