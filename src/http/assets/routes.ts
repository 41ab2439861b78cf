import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const css = readFileSync(new URL('./app.css', import.meta.url), 'utf8');

export function registerAssets(server: FastifyInstance): void {
  server.get('/assets/app.css', { config: { access: 'public' } }, (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(css),
  );
}
