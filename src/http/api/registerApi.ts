import swagger from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { App } from '../../app.ts';
import { registerApiAuth } from './apiAuth.ts';
import { registerApiDocs } from './apiDocs.tsx';
import { apiErrorAnswers } from './apiSchemas.ts';
import { registerInvitationRoutes } from './invitationRoutes.ts';
import { registerMemberRoutes } from './memberRoutes.ts';
import { registerRosterRoutes } from './rosterRoutes.ts';
import { registerTokenRoutes } from './tokenRoutes.ts';

export const API_PREFIX = '/api/v1';

/**
 * Token-guarded routes get the bearer security requirement and the common error answers in the
 * OpenAPI document, so each route file states only what is its own.
 */
function describeGuardedRoute(route: RouteOptions): void {
  if (route.config?.access !== 'api' || !route.schema) return;
  route.schema.security = [{ bearerAuth: [] }];
  route.schema.response = { ...apiErrorAnswers, ...(route.schema.response as object) };
}

/**
 * The JSON API (CONTRACT.md, "JSON API v1"): routes validate their input with zod schemas — the same
 * ones the use-cases export where a use-case takes input — and the OpenAPI 3.1 document is generated
 * from those schemas (@fastify/swagger + fastify-type-provider-zod), never written by hand. Only routes
 * with tags (the API's) appear in it.
 */
export async function registerApi(server: FastifyInstance, app: App): Promise<void> {
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gatehouse JSON API',
        version: '1',
        description:
          'Keep the portal’s roster in step with your membership database: read and upsert members, import a roster, send invitations and follow their rounds. Authenticate with an API token created at /admin/api-tokens or with `gatehouse api-token create`.',
      },
      servers: [{ url: app.deps.config.publicUrl }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    hideUntagged: true,
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await server.register(
    async (api) => {
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      api.addHook('onRoute', describeGuardedRoute);
      registerApiAuth(api, app);
      api.get('/openapi.json', { config: { access: 'public' } }, async () => server.swagger());
      registerTokenRoutes(api, app);
      registerRosterRoutes(api, app);
      registerMemberRoutes(api, app);
      registerInvitationRoutes(api, app);
    },
    { prefix: API_PREFIX },
  );
  registerApiDocs(server, app);
}
