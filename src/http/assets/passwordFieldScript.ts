import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { paths } from '../paths.ts';

const script = readFileSync(new URL('./passwordField.js', import.meta.url), 'utf8');

/** The password fields' script (rules ticked off as typed, strength, Show password); public, like the stylesheet. */
export function registerPasswordFieldScript(server: FastifyInstance): void {
  server.get(paths.passwordFieldScript, { config: { access: 'public' } }, (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(script),
  );
}
