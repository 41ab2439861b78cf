import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { paths } from '../paths.ts';

/**
 * The portal's static files: one stylesheet and small same-origin scripts that improve pages which work
 * without them (decision 0020). Read once at start-up; public, since login pages use them too.
 */
const assets: { path: string; file: string; type: string; cache: string; from?: string }[] = [
  { path: '/assets/app.css', file: 'app.css', type: 'text/css', cache: 'public, max-age=3600' },
  { path: paths.inviteLoopScript, file: 'inviteLoop.js', type: 'text/javascript', cache: 'no-cache' },
  { path: paths.passwordFieldScript, file: 'passwordField.js', type: 'text/javascript', cache: 'no-cache' },
  {
    path: paths.organisationSettingsScript,
    file: 'settingsPreview.js',
    type: 'text/javascript',
    cache: 'no-cache',
  },
  { path: paths.passkeysScript, file: 'passkeys.js', type: 'text/javascript', cache: 'no-cache' },
  // @simplewebauthn/browser's own bundle (global SimpleWebAuthnBrowser), served from node_modules.
  {
    path: paths.webauthnBrowserScript,
    file: '../dist/bundle/index.umd.min.js',
    from: '@simplewebauthn/browser',
    type: 'text/javascript',
    cache: 'public, max-age=3600',
  },
];

const require = createRequire(import.meta.url);

export function registerAssets(server: FastifyInstance): void {
  for (const { path, file, type, cache, from } of assets) {
    // `from`: a package; `file` is then relative to its entry point (the package exports no bundle path).
    const base = from ? pathToFileURL(require.resolve(from)) : new URL(import.meta.url);
    const body = readFileSync(new URL(from ? file : `./${file}`, base), 'utf8');
    server.get(path, { config: { access: 'public' } }, (_request, reply) =>
      reply.header('content-type', `${type}; charset=utf-8`).header('cache-control', cache).send(body),
    );
  }
}
