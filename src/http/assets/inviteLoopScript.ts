import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { paths } from '../paths.ts';

const script = readFileSync(new URL('./inviteLoop.js', import.meta.url), 'utf8');

/** The Invitation Codes list's and progress page's script; public, like the stylesheet. */
export function registerInviteLoopScript(server: FastifyInstance): void {
  server.get(paths.inviteLoopScript, { config: { access: 'public' } }, (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(script),
  );
}
