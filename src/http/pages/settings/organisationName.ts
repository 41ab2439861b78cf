import type { FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { readSettings } from '../../../domain/settings/organisationSettings.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The organisation name in effect for this request's page (Organisation settings, else ORG_NAME). */
    orgName?: string;
  }
}

/**
 * Reads the organisation name for the page about to be sent (one primary-key row), so a name saved in
 * Organisation settings shows on every page, in every process, from the next request on — no cache to
 * invalidate. Only pages show it: a redirect, a JSON answer or a download reads nothing (a successful
 * login is one statement fewer).
 */
export async function loadOrganisationName(app: App, request: FastifyRequest): Promise<void> {
  if (request.orgName !== undefined) return;
  try {
    request.orgName = (await readSettings(app.deps)).orgName;
  } catch (err) {
    // The database is unreachable: the page says so itself (or is an error page); the name falls back
    // to ORG_NAME rather than turning every answer into a second error.
    request.log.warn({ err }, 'Could not read the organisation settings; showing ORG_NAME');
    request.orgName = app.deps.config.orgName;
  }
}

/** The name loadOrganisationName read; asked for before the page is sent, it is a mistake in the code. */
export function organisationNameOf(request: FastifyRequest): string {
  if (request.orgName === undefined) {
    throw new Error('The organisation name is read when the page is sent (sendPage), not before.');
  }
  return request.orgName;
}
