import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import {
  clearAllUsernames,
  clearAllUsernamesInput,
} from '../../../domain/clearAllUsernames/clearAllUsernames.ts';
import { countClearableLogins } from '../../../domain/clearAllUsernames/clearableLogins.ts';
import {
  loginClearRequest,
  unfinishedRequest,
} from '../../../domain/clearAllUsernames/loginClearRequests.ts';
import { clearOutcome } from '../../../domain/clearAllUsernames/restorableClears.ts';
import { restoreClearedLogins } from '../../../domain/clearAllUsernames/restoreClearedLogins.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { ClearAllUsernamesPage } from './ClearAllUsernamesPage.tsx';
import { ClearSummaryPage, RestoreConfirmPage } from './ClearPages.tsx';
import { ClearRequestPage } from './ClearRequestPage.tsx';

type Clear = { clearId: number };

const params = z.object({
  clearId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'There is no such Clear All Usernames.')
    .transform(Number),
});
const requestParams = z.object({
  requestId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'There is no such Clear All Usernames or Restore request.')
    .transform(Number),
});

/** The Clear All Usernames form; after a refusal with fresh numbers, so the admin sees what a retry removes. */
async function clearForm(r: Req<unknown>, refused?: Refusal) {
  const [counts, running] = await Promise.all([
    countClearableLogins(r.deps, r.actor),
    unfinishedRequest(r.deps.db),
  ]);
  const typed = refused?.values;
  const values = typed && {
    includeAdmins: Boolean(typed.includeAdmins),
    confirmation: typed.confirmation ?? '',
  };
  return (
    <ClearAllUsernamesPage
      ctx={r.ctx()}
      counts={counts}
      running={running}
      values={values}
      errors={refused?.errors}
    />
  );
}

/** One clear's summary: when, who, how many, and whether it can still be restored. */
async function summary(r: Req<Clear>) {
  const outcome = await clearOutcome(r.deps, r.actor, r.params.clearId);
  return <ClearSummaryPage ctx={r.ctx()} outcome={outcome} />;
}

/** Restore asks first; a restore that can no longer happen (done already, too late) is said over its form. */
async function restoreConfirm(r: Req<Clear>, refused?: Refusal) {
  const outcome = await clearOutcome(r.deps, r.actor, r.params.clearId);
  return <RestoreConfirmPage ctx={r.ctx()} outcome={outcome} errors={refused?.errors} />;
}

/**
 * Clear All Usernames (confirm with a typed phrase and password), one clear's summary, its Restore, and the
 * progress page of either as the worker runs it.
 */
export function registerClearAllUsernamesRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'logins.clearAll';

  page({ path: paths.clearAllUsernames, access, view: (r) => clearForm(r) });

  form({
    path: paths.clearAllUsernames,
    access,
    fields: ['confirmation', 'password', 'code'],
    body: clearAllUsernamesInput,
    stepUp: true,
    run: (r, input) => clearAllUsernames(r.deps, r.actor, input),
    done: (_r, { requestId }) => paths.clearRequest(requestId),
    view: clearForm,
  });

  page({ path: paths.clear(':clearId'), access, params, view: (r) => summary(r) });

  page({ path: paths.restore(':clearId'), access, params, view: (r) => restoreConfirm(r) });

  form({
    path: paths.restore(':clearId'),
    access,
    params,
    fields: ['code'],
    stepUp: true,
    run: (r) => restoreClearedLogins(r.deps, r.actor, r.params.clearId),
    done: (_r, { requestId }) => paths.clearRequest(requestId),
    view: restoreConfirm,
  });

  page({
    path: paths.clearRequest(':requestId'),
    access,
    params: requestParams,
    view: async (r) => (
      <ClearRequestPage
        ctx={r.ctx()}
        request={await loginClearRequest(r.deps, r.actor, r.params.requestId)}
      />
    ),
  });
}
