import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { readSettings } from '../../../domain/settings/organisationSettings.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The organisation name in effect for this request (Organisation settings, else ORG_NAME). */
    orgName?: string;
  }
}

// Answers that never show the name: the stylesheet, the script, the probes (which must not need the database).
const NO_NAME = /^\/(assets\/|healthz|readyz)/;

/**
 * Reads the organisation name once per request (one primary-key row), so a name saved in Organisation
 * settings shows on every page, in every process, from the next request on — no cache to invalidate.
 */
export function registerOrganisationName(server: FastifyInstance, app: App): void {
  server.addHook('onRequest', async (request) => {
    if (NO_NAME.test(request.url)) return;
    try {
      request.orgName = (await readSettings(app.deps)).orgName;
    } catch (err) {
      // The database is unreachable: the page says so itself (or is an error page); the name falls back
      // to ORG_NAME rather than turning every answer into a second error.
      request.log.warn({ err }, 'Could not read the organisation settings; showing ORG_NAME');
    }
  });
}
