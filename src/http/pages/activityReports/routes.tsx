import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import type { PagePosition } from '../../../db/keyset.ts';
import { failedDeliveriesInput, listFailedDeliveries } from '../../../domain/reports/failedDeliveries.ts';
import {
  listNeverLoggedIn,
  loginsPerDay,
  neverLoggedInInput,
} from '../../../domain/reports/loginActivity.ts';
import {
  listPendingInvitations,
  pendingInvitationsInput,
} from '../../../domain/reports/pendingInvitations.ts';
import { typedValues } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { FailedDeliveriesPage } from './FailedDeliveriesPage.tsx';
import { LoginActivityPage } from './LoginActivityPage.tsx';
import { PendingInvitationsPage } from './PendingInvitationsPage.tsx';

/** The query string as asked for, so a filter form shows it back (also a value that was refused). */
const asked = (r: Req<unknown>, name: string): string => typedValues(r.request.query)[name] ?? '';
const paged = (position: PagePosition) => Boolean(position.after || position.before);

/**
 * Query Tool reports about invitations and logins: Pending Invitations, Failed Deliveries, Login Activity.
 * A refused query-string value (a filter, an edited page link) shows the page again with the message next
 * to its field (or at the top) and status 400, without the list.
 */
export function registerActivityReportsRoutes(server: FastifyInstance, app: App): void {
  const { page } = routeKit(server, app);
  const access = 'reports.read';

  page({
    path: paths.pendingInvitations,
    access,
    query: pendingInvitationsInput,
    fields: ['within'],
    view: async (r, { query, refused }) => {
      const view = { ctx: r.ctx(), within: asked(r, 'within'), errors: refused?.errors };
      if (!query) return <PendingInvitationsPage view={{ ...view, page: null, paged: false }} />;
      const page = await listPendingInvitations(r.deps, r.actor, query);
      return <PendingInvitationsPage view={{ ...view, page, paged: paged(query.position) }} />;
    },
  });

  page({
    path: paths.failedDeliveries,
    access,
    query: failedDeliveriesInput,
    fields: ['login'],
    view: async (r, { query, refused }) => {
      const view = { ctx: r.ctx(), login: asked(r, 'login'), errors: refused?.errors };
      if (!query) return <FailedDeliveriesPage view={{ ...view, page: null, paged: false }} />;
      const page = await listFailedDeliveries(r.deps, r.actor, query);
      return <FailedDeliveriesPage view={{ ...view, page, paged: paged(query.position) }} />;
    },
  });

  page({
    path: paths.loginActivity,
    access,
    query: neverLoggedInInput,
    fields: [],
    view: async (r, { query, refused }) => {
      const view = { ctx: r.ctx(), perDay: await loginsPerDay(r.deps, r.actor), errors: refused?.errors };
      if (!query) return <LoginActivityPage view={{ ...view, unused: null, paged: false }} />;
      const unused = await listNeverLoggedIn(r.deps, r.actor, query);
      return <LoginActivityPage view={{ ...view, unused, paged: paged(query.position) }} />;
    },
  });
}
