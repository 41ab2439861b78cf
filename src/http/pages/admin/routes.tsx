import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { pageContext, sendPage } from '../../render.ts';
import { AdminHomePage, ComingSoonPage, MemberManagementPage } from './AdminPages.tsx';

export function registerAdminRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: { welcome?: string } }>(
    '/admin',
    { config: { access: 'admin.enter' } },
    (request, reply) =>
      sendPage(
        reply,
        <AdminHomePage ctx={pageContext(app, request, reply)} welcome={request.query.welcome === '1'} />,
      ),
  );
  server.get('/admin/member-management', { config: { access: 'admin.enter' } }, (request, reply) =>
    sendPage(reply, <MemberManagementPage ctx={pageContext(app, request, reply)} />),
  );
  server.get('/admin/query-tool', { config: { access: 'reports.read' } }, (request, reply) =>
    sendPage(
      reply,
      <ComingSoonPage
        ctx={pageContext(app, request, reply)}
        title="Query Tool"
        about="Reports, starting with Member Roster - Current and its Last Login column."
      />,
    ),
  );
}
