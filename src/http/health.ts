import type { FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { isDatabaseReady } from '../db/readiness.ts';

/**
 * Probes for load balancers and orchestrators (CONTRACT "Operations"): public, never cached, and their
 * bodies say nothing beyond the status. GETs, so the public-POST flood limit does not apply.
 */
export function registerHealthRoutes(server: FastifyInstance, app: App): void {
  // Alive: the process runs and its event loop answers. Never touches the database.
  server.get('/healthz', { config: { access: 'public' } }, (_request, reply) =>
    reply.header('cache-control', 'no-store').type('text/plain').send('ok'),
  );
  // Ready: the database answers and every migration this build ships has been applied.
  server.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    const ready = await isDatabaseReady(app.database);
    return reply
      .status(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .type('text/plain')
      .send(ready ? 'ready' : 'not ready');
  });
}
