import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';

/** Forms anyone may send: login, forgot password / username, invitation and setup pages. */
const isPublicPost = (request: FastifyRequest) =>
  request.method === 'POST' && request.routeOptions.config?.access === 'public' && request.url !== '/logout';

/**
 * Flood protection per client address on the public forms, in front of the database throttles: those
 * count guesses per login and address but cost a database round trip (and an argon2 hash) each; this
 * refuses a flood in memory before the body is even read. Counts are per process — a flood spread over
 * several web processes gets through each one's allowance, and the database throttles still hold.
 */
export async function registerPublicPostLimit(server: FastifyInstance, app: App): Promise<void> {
  await server.register(rateLimit, {
    global: true,
    max: app.deps.config.publicPostsPerMinute,
    timeWindow: 60_000,
    hook: 'onRequest',
    allowList: (request) => !isPublicPost(request),
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate_limited',
        `Too many forms were sent from your network address. Wait ${context.after} and try again.`,
      ),
  });
}
