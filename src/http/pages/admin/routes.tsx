import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { adminDashboard } from '../../../domain/reports/adminDashboard.ts';
import { routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { AdminHomePage, MemberManagementPage } from './AdminPages.tsx';

// `welcome=1` after first-run setup; any other value is no welcome (not a refusal).
const query = z.object({ welcome: z.string().optional().catch(undefined) });

/** Admin: the dashboard with the admin navigation, and Member Management's own menu. */
export function registerAdminRoutes(server: FastifyInstance, app: App): void {
  const { page } = routeKit(server, app);
  const access = 'admin.enter';

  page({
    path: paths.admin,
    access,
    query,
    view: async (r, { query }) => (
      <AdminHomePage
        ctx={r.ctx()}
        welcome={query?.welcome === '1'}
        dashboard={await adminDashboard(r.deps, r.actor)}
      />
    ),
  });

  page({ path: paths.memberManagement, access, view: (r) => <MemberManagementPage ctx={r.ctx()} /> });
}
