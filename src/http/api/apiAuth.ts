import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import type { ApiScope } from '../../domain/apiTokens/apiTokenInput.ts';
import { type ApiCaller, authenticateApiToken } from '../../domain/apiTokens/authenticateApiToken.ts';
import { AppError } from '../../errors.ts';
import { bearerTokenOf } from '../requestLimits.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a JSON API route needs (`any`: any valid token); set with `access: 'api'`. */
    apiScope?: ApiScope | 'any';
  }
  interface FastifyRequest {
    apiCaller: ApiCaller | null;
  }
}

/** The token of an API request, once authenticated by the hook below. */
export function callerOf(request: FastifyRequest): ApiCaller {
  if (!request.apiCaller) throw new Error(`${request.url} is not a token-guarded API route`);
  return request.apiCaller;
}

/**
 * Every token-guarded route (`access: 'api'`) needs `Authorization: Bearer <token>` with its scope:
 * 401 without a working token, 403 without the scope. Cookies are never read under /api/ (access.ts).
 */
export function registerApiAuth(scope: FastifyInstance, app: App): void {
  scope.decorateRequest('apiCaller', null);
  scope.addHook('onRequest', async (request, reply) => {
    const { access, apiScope } = request.routeOptions.config;
    if (access !== 'api') return;
    const token = bearerTokenOf(request);
    if (!token) {
      reply.header('www-authenticate', 'Bearer');
      throw new AppError('unauthenticated', 'Send an API token: Authorization: Bearer <token>.');
    }
    try {
      request.apiCaller = await authenticateApiToken(app.deps, token, request.ip);
    } catch (error) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw error;
    }
    if (apiScope && apiScope !== 'any' && !request.apiCaller.scopes.has(apiScope)) {
      throw new AppError(
        'forbidden',
        `This token lacks the ${apiScope} scope. Create a token with it at /admin/api-tokens.`,
      );
    }
  });
}
