import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { isApiRequest } from './access.ts';

/** Forms anyone may send: login, forgot password / username, invitation and setup pages. */
const isPublicPost = (request: FastifyRequest) =>
  request.method === 'POST' && request.routeOptions.config?.access === 'public' && request.url !== '/logout';

/** The bearer token a JSON API request carries (whether it is valid is checked later). */
export const bearerTokenOf = (request: FastifyRequest): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];

/** API requests count per token (hashed: the limiter's keys are not secrets), else per address. */
const apiKeyOf = (request: FastifyRequest) => {
  const token = bearerTokenOf(request);
  return token ? `api:${createHash('sha256').update(token).digest('base64url')}` : `api-ip:${request.ip}`;
};

/**
 * In-memory limits in front of the database, before a body is read:
 * - public forms, per client address: the database throttles count guesses per login and address but
 *   cost a round trip (and an argon2 hash) each; this refuses a flood first;
 * - the JSON API, per token (per address for requests without one), so one runaway sync script cannot
 *   crowd out the people using the pages. 429 with Retry-After either way.
 * Counts are per process — a flood spread over several web processes gets through each one's allowance,
 * and the database throttles still hold.
 */
export async function registerRequestLimits(server: FastifyInstance, app: App): Promise<void> {
  const { publicPostsPerMinute, apiRequestsPerMinute } = app.deps.config;
  await server.register(rateLimit, {
    global: true,
    max: (request) => (isApiRequest(request) ? apiRequestsPerMinute : publicPostsPerMinute),
    keyGenerator: (request) => (isApiRequest(request) ? apiKeyOf(request) : request.ip),
    timeWindow: 60_000,
    hook: 'onRequest',
    allowList: (request) => !isApiRequest(request) && !isPublicPost(request),
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (request, context) =>
      new AppError(
        'rate_limited',
        isApiRequest(request)
          ? `Too many API requests with this token. Wait ${context.after} and try again.`
          : `Too many forms were sent from your network address. Wait ${context.after} and try again.`,
      ),
  });
}
