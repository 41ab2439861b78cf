import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { adminDashboard } from '../../../domain/reports/adminDashboard.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import { AdminHomePage, MemberManagementPage } from './AdminPages.tsx';

export function registerAdminRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: { welcome?: string } }>(
    '/admin',
    { config: { access: 'admin.enter' } },
    async (request, reply) => {
      const dashboard = await adminDashboard(app.deps, actorOf(request));
      return sendPage(
        reply,
        <AdminHomePage
          ctx={pageContext(app, request, reply)}
          welcome={request.query.welcome === '1'}
          dashboard={dashboard}
        />,
      );
    },
  );
  server.get('/admin/member-management', { config: { access: 'admin.enter' } }, (request, reply) =>
    sendPage(reply, <MemberManagementPage ctx={pageContext(app, request, reply)} />),
  );
}
