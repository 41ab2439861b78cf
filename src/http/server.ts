import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { registerAccess } from './access.ts';
import { registerAssets } from './assets/routes.ts';
import { registerErrorHandling } from './errorHandling.tsx';
import { registerActivityReportsRoutes } from './pages/activityReports/routes.tsx';
import { registerAdminRoutes } from './pages/admin/routes.tsx';
import { registerAuditLogRoutes } from './pages/auditLog/routes.tsx';
import { registerAuthRoutes } from './pages/auth/routes.tsx';
import { registerChangeLoginRoutes } from './pages/changeLogin/routes.tsx';
import { registerClearAllUsernamesRoutes } from './pages/clearAllUsernames/routes.tsx';
import { registerEmailLogRoutes } from './pages/emailLog/routes.tsx';
import { registerHomeRoutes } from './pages/home/routes.tsx';
import { registerImportRoutes } from './pages/import/routes.tsx';
import { registerInvitationCodesRoutes } from './pages/invitationCodes/routes.tsx';
import { registerInvitationRoundsRoutes } from './pages/invitationRounds/routes.tsx';
import { registerInviteRoutes } from './pages/invite/routes.tsx';
import { registerMemberSearchRoutes } from './pages/memberSearch/routes.tsx';
import { registerProfileRoutes } from './pages/profile/routes.tsx';
import { registerQueryToolRoutes } from './pages/queryTool/routes.tsx';
import { registerReminderRoundsRoutes } from './pages/reminderRounds/routes.tsx';
import { registerSelfServiceRoutes } from './pages/selfService/routes.tsx';
import { registerSendInvitationRoutes } from './pages/sendInvitations/routes.tsx';
import { registerSetupRoutes } from './pages/setup/routes.tsx';

/** The Fastify instance with every plugin and page. Listening is left to the caller. */
export async function buildServer(app: App): Promise<FastifyInstance> {
  const { config } = app.deps;
  const server = Fastify({
    loggerInstance: app.logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
  });
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
  await server.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 20 },
  });
  await server.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.secureCookies },
  });
  registerErrorHandling(server);
  registerAccess(server, app);
  registerAssets(server);
  registerSetupRoutes(server, app);
  registerAuthRoutes(server, app);
  registerHomeRoutes(server, app);
  registerAdminRoutes(server, app);
  registerEmailLogRoutes(server, app);
  registerAuditLogRoutes(server, app);
  registerImportRoutes(server, app);
  registerInviteRoutes(server, app);
  registerSendInvitationRoutes(server, app);
  registerProfileRoutes(server, app);
  registerInvitationCodesRoutes(server, app);
  registerMemberSearchRoutes(server, app);
  registerActivityReportsRoutes(server, app);
  registerChangeLoginRoutes(server, app);
  registerClearAllUsernamesRoutes(server, app);
  registerInvitationRoundsRoutes(server, app);
  registerQueryToolRoutes(server, app);
  registerReminderRoundsRoutes(server, app);
  registerSelfServiceRoutes(server, app);
  return server;
}
