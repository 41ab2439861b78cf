import type { FastifyInstance, FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import type { App } from '../../../app.ts';
import {
  listFailedDeliveries,
  parseFailedDeliveriesQuery,
} from '../../../domain/reports/failedDeliveries.ts';
import {
  listNeverLoggedIn,
  loginsPerDay,
  parseNeverLoggedInQuery,
} from '../../../domain/reports/loginActivity.ts';
import {
  listPendingInvitations,
  parsePendingInvitationsQuery,
} from '../../../domain/reports/pendingInvitations.ts';
import { isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import { FailedDeliveriesPage } from './FailedDeliveriesPage.tsx';
import { LoginActivityPage } from './LoginActivityPage.tsx';
import { FAILED_DELIVERIES_PATH, LOGIN_ACTIVITY_PATH, PENDING_INVITATIONS_PATH } from './links.ts';
import { PendingInvitationsPage } from './PendingInvitationsPage.tsx';

type Raw = Record<string, unknown>;

const text = (raw: Raw, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : '';
};

const paged = (raw: Raw) => Boolean(text(raw, 'after') || text(raw, 'before'));

/**
 * Runs a report; a refused query-string value (a filter, an edited page link) shows the page again with the
 * message next to its field (or at the top) and status 400, instead of an error page.
 */
async function withFieldErrors(
  reply: FastifyReply,
  formFields: string[],
  run: () => Promise<VNode>,
  refused: (errors: FieldErrors) => VNode | Promise<VNode>,
) {
  try {
    return sendPage(reply, await run());
  } catch (error) {
    if (!isAppError(error) || error.code !== 'validation') throw error;
    const field = error.field && formFields.includes(error.field) ? error.field : '_form';
    return sendPage(reply, await refused({ [field]: error.message }), 400);
  }
}

/** Query Tool reports about invitations and logins: Pending Invitations, Failed Deliveries, Login Activity. */
export function registerActivityReportsRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: Raw }>(
    PENDING_INVITATIONS_PATH,
    { config: { access: 'reports.read' } },
    async (request, reply) => {
      const raw = request.query ?? {};
      const view = { ctx: pageContext(app, request, reply), within: text(raw, 'within'), paged: paged(raw) };
      return withFieldErrors(
        reply,
        ['within'],
        async () => {
          const query = parsePendingInvitationsQuery(raw);
          const page = await listPendingInvitations(app.deps, actorOf(request), query);
          return <PendingInvitationsPage view={{ ...view, page }} />;
        },
        (errors) => <PendingInvitationsPage view={{ ...view, page: null, errors }} />,
      );
    },
  );

  server.get<{ Querystring: Raw }>(
    FAILED_DELIVERIES_PATH,
    { config: { access: 'reports.read' } },
    async (request, reply) => {
      const raw = request.query ?? {};
      const view = { ctx: pageContext(app, request, reply), login: text(raw, 'login'), paged: paged(raw) };
      return withFieldErrors(
        reply,
        ['login'],
        async () => {
          const query = parseFailedDeliveriesQuery(raw);
          const page = await listFailedDeliveries(app.deps, actorOf(request), query);
          return <FailedDeliveriesPage view={{ ...view, page }} />;
        },
        (errors) => <FailedDeliveriesPage view={{ ...view, page: null, errors }} />,
      );
    },
  );

  server.get<{ Querystring: Raw }>(
    LOGIN_ACTIVITY_PATH,
    { config: { access: 'reports.read' } },
    async (request, reply) => {
      const raw = request.query ?? {};
      const actor = actorOf(request);
      const ctx = pageContext(app, request, reply);
      const perDay = await loginsPerDay(app.deps, actor);
      return withFieldErrors(
        reply,
        [],
        async () => {
          const unused = await listNeverLoggedIn(app.deps, actor, parseNeverLoggedInQuery(raw));
          return <LoginActivityPage view={{ ctx, perDay, unused, paged: paged(raw) }} />;
        },
        (errors) => <LoginActivityPage view={{ ctx, perDay, unused: null, paged: false, errors }} />,
      );
    },
  );
}
