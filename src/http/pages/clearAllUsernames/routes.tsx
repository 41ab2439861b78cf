import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { clearAllUsernames } from '../../../domain/loginClears/clearAllUsernames.ts';
import { countClearableLogins, totalToClear } from '../../../domain/loginClears/clearableLogins.ts';
import { clearOutcome } from '../../../domain/loginClears/restorableClears.ts';
import { restoreClearedLogins } from '../../../domain/loginClears/restoreClearedLogins.ts';
import { AppError, httpStatusOf, isAppError, ValidationErrors } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { ClearAllUsernamesPage, type ClearFormValues } from './ClearAllUsernamesPage.tsx';
import { ClearSummaryPage, RestoreConfirmPage } from './ClearPages.tsx';
import { CLEAR_ALL_USERNAMES_PATH, clearPath, logins } from './links.ts';

const clearAll = { config: { access: 'logins.clearAll' as const } };
type ClearParams = { Params: { clearId: string } };

const clearIdOf = (raw: string) => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new AppError('not_found', 'There is no such Clear All Usernames.');
  return id;
};

const shownNumber = (body: unknown, name: string) => {
  const n = Number(field(body, name));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/** Clear All Usernames (confirm with a typed phrase and password), one clear's summary, and its Restore. */
export function registerClearAllUsernamesRoutes(server: FastifyInstance, app: App): void {
  server.get(CLEAR_ALL_USERNAMES_PATH, clearAll, async (request, reply) => {
    const counts = await countClearableLogins(app.deps, actorOf(request));
    return sendPage(reply, <ClearAllUsernamesPage ctx={pageContext(app, request, reply)} counts={counts} />);
  });

  server.post(CLEAR_ALL_USERNAMES_PATH, clearAll, async (request, reply) => {
    const actor = actorOf(request);
    const body = request.body;
    const values: ClearFormValues = {
      includeAdmins: field(body, 'includeAdmins') !== '',
      confirmation: field(body, 'confirmation'),
    };
    const shownMembers = shownNumber(body, 'shownMembers');
    const shownAdmins = shownNumber(body, 'shownAdmins');
    const shownTotal =
      shownMembers === undefined || shownAdmins === undefined
        ? undefined
        : totalToClear({ members: shownMembers, admins: shownAdmins }, values.includeAdmins);
    try {
      const { clearId } = await clearAllUsernames(app.deps, actor, {
        ...values,
        password: field(body, 'password'),
        shownTotal,
      });
      return reply.redirect(`${clearPath(clearId)}?done=1`, 303);
    } catch (e) {
      if (!isAppError(e) || !['validation', 'rate_limited'].includes(e.code)) throw e;
      const errors = e instanceof ValidationErrors ? e.fields : { [e.field ?? '_form']: e.message };
      // Fresh numbers, so the admin sees what a second attempt would remove.
      const counts = await countClearableLogins(app.deps, actor);
      const page = (
        <ClearAllUsernamesPage
          ctx={pageContext(app, request, reply)}
          counts={counts}
          values={values}
          errors={errors}
        />
      );
      return sendPage(reply, page, httpStatusOf[e.code]);
    }
  });

  server.get<ClearParams & { Querystring: { done?: string; restored?: string } }>(
    `${CLEAR_ALL_USERNAMES_PATH}/:clearId`,
    clearAll,
    async (request, reply) => {
      const outcome = await clearOutcome(app.deps, actorOf(request), clearIdOf(request.params.clearId));
      const notice =
        request.query.done === '1'
          ? `Removed ${logins(outcome.clear.removed)}. Those members are back in Invitation Codes.`
          : request.query.restored === '1'
            ? `Restored ${logins(outcome.restored)}; ${logins(outcome.skipped)} could not come back.`
            : undefined;
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <ClearSummaryPage ctx={ctx} outcome={outcome} notice={notice} />);
    },
  );

  server.get<ClearParams>(
    `${CLEAR_ALL_USERNAMES_PATH}/:clearId/restore`,
    clearAll,
    async (request, reply) => {
      const outcome = await clearOutcome(app.deps, actorOf(request), clearIdOf(request.params.clearId));
      return sendPage(reply, <RestoreConfirmPage ctx={pageContext(app, request, reply)} outcome={outcome} />);
    },
  );

  server.post<ClearParams>(
    `${CLEAR_ALL_USERNAMES_PATH}/:clearId/restore`,
    clearAll,
    async (request, reply) => {
      const actor = actorOf(request);
      const clearId = clearIdOf(request.params.clearId);
      try {
        await restoreClearedLogins(app.deps, actor, clearId);
        return reply.redirect(`${clearPath(clearId)}?restored=1`, 303);
      } catch (e) {
        if (!isAppError(e) || !['conflict', 'gone'].includes(e.code)) throw e;
        const outcome = await clearOutcome(app.deps, actor, clearId);
        const ctx = pageContext(app, request, reply);
        return sendPage(
          reply,
          <RestoreConfirmPage ctx={ctx} outcome={outcome} error={e.message} />,
          httpStatusOf[e.code],
        );
      }
    },
  );
}
