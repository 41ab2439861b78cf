import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { apiScopes } from '../../domain/apiTokens/apiTokenInput.ts';
import { callerOf } from './apiAuth.ts';

/** `GET /api/v1/token`: which token this is — for a sync script to check its set-up before it starts. */
export function registerTokenRoutes(api: FastifyInstance, _app: App): void {
  api.withTypeProvider<ZodTypeProvider>().get(
    '/token',
    {
      config: { access: 'api', apiScope: 'any' },
      schema: {
        tags: ['Token'],
        summary: 'The token making the request: its name and scopes',
        response: {
          200: z.object({ name: z.string(), scopes: z.array(z.enum(apiScopes)) }),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return { name: caller.name, scopes: [...caller.scopes] };
    },
  );
}
