import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { paths } from '../paths.ts';

/**
 * The portal's static files: one stylesheet and small same-origin scripts that improve pages which work
 * without them (decision 0020). Read once at start-up; public, since login pages use them too.
 */
const assets: { path: string; file: string; type: string; cache: string }[] = [
  { path: '/assets/app.css', file: 'app.css', type: 'text/css', cache: 'public, max-age=3600' },
  { path: paths.inviteLoopScript, file: 'inviteLoop.js', type: 'text/javascript', cache: 'no-cache' },
  { path: paths.passwordFieldScript, file: 'passwordField.js', type: 'text/javascript', cache: 'no-cache' },
  {
    path: paths.organisationSettingsScript,
    file: 'settingsPreview.js',
    type: 'text/javascript',
    cache: 'no-cache',
  },
];

export function registerAssets(server: FastifyInstance): void {
  for (const { path, file, type, cache } of assets) {
    const body = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    server.get(path, { config: { access: 'public' } }, (_request, reply) =>
      reply.header('content-type', `${type}; charset=utf-8`).header('cache-control', cache).send(body),
    );
  }
}
