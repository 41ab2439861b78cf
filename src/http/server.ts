import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { recordHttpMetrics } from '../metrics/httpMetrics.ts';
import type { Metrics } from '../metrics/registry.ts';
import { registerAccess, sessionTokenOf } from './access.ts';
import { registerApi } from './api/registerApi.ts';
import { registerAssets } from './assets/routes.ts';
import { csrfFor } from './csrf.ts';
import { registerErrorHandling } from './errorHandling.tsx';
import { registerHealthRoutes } from './health.ts';
import { registerInputGuard } from './inputGuard.ts';
import { registerActivityReportsRoutes } from './pages/activityReports/routes.tsx';
import { registerAdminRoutes } from './pages/admin/routes.tsx';
import { registerApiTokensRoutes } from './pages/apiTokens/routes.tsx';
import { registerAuditLogRoutes } from './pages/auditLog/routes.tsx';
import { registerAuthRoutes } from './pages/auth/routes.tsx';
import { registerVerifyRoutes } from './pages/auth/verifyRoutes.tsx';
import { registerChangeLoginRoutes } from './pages/changeLogin/routes.tsx';
import { registerClearAllUsernamesRoutes } from './pages/clearAllUsernames/routes.tsx';
import { registerEmailLogRoutes } from './pages/emailLog/routes.tsx';
import { registerHomeRoutes } from './pages/home/routes.tsx';
import { registerImportRoutes } from './pages/import/routes.tsx';
import { registerInvitationCodesRoutes } from './pages/invitationCodes/routes.tsx';
import { registerInvitationRoundsRoutes } from './pages/invitationRounds/routes.tsx';
import { registerInviteRoutes } from './pages/invite/routes.tsx';
import { registerMemberEditRoutes } from './pages/memberEdit/routes.tsx';
import { registerMemberSearchRoutes } from './pages/memberSearch/routes.tsx';
import { registerPasskeyRoutes } from './pages/passkeys/routes.tsx';
import { registerPasskeySignInRoutes } from './pages/passkeys/signInRoutes.tsx';
import { registerProfileRoutes } from './pages/profile/routes.tsx';
import { registerQueryToolRoutes } from './pages/queryTool/routes.tsx';
import { registerReminderRoundsRoutes } from './pages/reminderRounds/routes.tsx';
import { registerSecurityRoutes } from './pages/security/routes.tsx';
import { registerSelfServiceRoutes } from './pages/selfService/routes.tsx';
import { registerSendInvitationRoutes } from './pages/sendInvitations/routes.tsx';
import { registerSettingsRoutes } from './pages/settings/routes.tsx';
import { registerSetupRoutes } from './pages/setup/routes.tsx';
import { registerWebhooksRoutes } from './pages/webhooks/routes.tsx';
import { registerRequestLimits } from './requestLimits.ts';

/**
 * The Fastify instance with every plugin and page. Listening is left to the caller. With `metrics`
 * (METRICS_PORT set) every answer is counted and timed there.
 */
export async function buildServer(app: App, options: { metrics?: Metrics } = {}): Promise<FastifyInstance> {
  const { config } = app.deps;
  const server = Fastify({
    // Fastify's own "Server listening at …" (one line per address) would repeat the one start-up line
    // serve.ts logs: the instance's logger lets warnings through only; requests log as configured.
    loggerInstance: app.logger.child({}, { level: quieterLevel(app.logger) }) as FastifyBaseLogger,
    // Children of the instance's logger, so they keep Fastify's serializers (`res` as its status code only).
    childLoggerFactory: (instanceLogger, bindings, options) =>
      instanceLogger.child(bindings, { level: app.logger.level, ...options }),
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
    // Forms are small; only the roster upload is larger, and it streams to disk (see the import scope).
    bodyLimit: config.formLimitBytes,
  });
  // First, so that answers given by any later hook or plugin (the flood limit's 429s) are counted too.
  if (options.metrics) recordHttpMetrics(server, options.metrics);
  await server.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': config.secureCookies ? [] : null,
      },
    },
    // Plain http on localhost must keep working: only ask for HSTS when served over https.
    hsts: config.secureCookies,
  });
  await server.register(cookie);
  await server.register(formbody);
  await registerRequestLimits(server, app);
  registerErrorHandling(server, app);
  registerInputGuard(server);
  registerAccess(server, app, await csrfFor(app, (request) => sessionTokenOf(request, app)));
  registerHealthRoutes(server, app);
  registerAssets(server);
  registerSetupRoutes(server, app);
  registerAuthRoutes(server, app);
  registerVerifyRoutes(server, app);
  registerHomeRoutes(server, app);
  registerSecurityRoutes(server, app);
  registerPasskeyRoutes(server, app);
  registerPasskeySignInRoutes(server, app);
  registerAdminRoutes(server, app);
  registerEmailLogRoutes(server, app);
  registerAuditLogRoutes(server, app);
  // Multipart is parsed in this scope only, and only once the handler asks for it: after the session,
  // role and form token are checked. Anywhere else a multipart body is refused (415) unread.
  await server.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 4 } });
    registerImportRoutes(scope, app);
  });
  registerInviteRoutes(server, app);
  registerSendInvitationRoutes(server, app);
  registerProfileRoutes(server, app);
  registerInvitationCodesRoutes(server, app);
  registerMemberSearchRoutes(server, app);
  registerMemberEditRoutes(server, app);
  registerActivityReportsRoutes(server, app);
  registerChangeLoginRoutes(server, app);
  registerClearAllUsernamesRoutes(server, app);
  registerInvitationRoundsRoutes(server, app);
  registerQueryToolRoutes(server, app);
  registerReminderRoundsRoutes(server, app);
  registerSelfServiceRoutes(server, app);
  registerSettingsRoutes(server, app);
  registerApiTokensRoutes(server, app);
  registerWebhooksRoutes(server, app);
  await registerApi(server, app);
  return server;
}

/** `warn`, unless the configured level is already quieter (tests run `silent`). */
const quieterLevel = (logger: App['logger']) =>
  logger.levelVal >= logger.levels.values.warn! ? logger.level : 'warn';
