import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import {
  clearAllUsernames,
  clearAllUsernamesInput,
} from '../../../domain/clearAllUsernames/clearAllUsernames.ts';
import { countClearableLogins } from '../../../domain/clearAllUsernames/clearableLogins.ts';
import { clearOutcome } from '../../../domain/clearAllUsernames/restorableClears.ts';
import { restoreClearedLogins } from '../../../domain/clearAllUsernames/restoreClearedLogins.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { ClearAllUsernamesPage } from './ClearAllUsernamesPage.tsx';
import { ClearSummaryPage, RestoreConfirmPage } from './ClearPages.tsx';
import { logins } from './links.ts';

type Clear = { clearId: number };

const params = z.object({
  clearId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'There is no such Clear All Usernames.')
    .transform(Number),
});
const query = z.object({ done: z.string().optional(), restored: z.string().optional() });

/** The Clear All Usernames form; after a refusal with fresh numbers, so the admin sees what a retry removes. */
async function clearForm(r: Req<unknown>, refused?: Refusal) {
  const counts = await countClearableLogins(r.deps, r.actor);
  const typed = refused?.values;
  const values = typed && {
    includeAdmins: Boolean(typed.includeAdmins),
    confirmation: typed.confirmation ?? '',
  };
  return <ClearAllUsernamesPage ctx={r.ctx()} counts={counts} values={values} errors={refused?.errors} />;
}

/** One clear's summary, saying what was just done (`done=1` after the clear, `restored=1` after Restore). */
async function summary(r: Req<Clear>, shown: z.infer<typeof query> = {}) {
  const outcome = await clearOutcome(r.deps, r.actor, r.params.clearId);
  const notice =
    shown.done === '1'
      ? `Removed ${logins(outcome.clear.removed)}. Those members are back in Invitation Codes.`
      : shown.restored === '1'
        ? `Restored ${logins(outcome.restored)}; ${logins(outcome.skipped)} could not come back.`
        : undefined;
  return <ClearSummaryPage ctx={r.ctx()} outcome={outcome} notice={notice} />;
}

/** Restore asks first; a restore that can no longer happen (done already, too late) is said over its form. */
async function restoreConfirm(r: Req<Clear>, refused?: Refusal) {
  const outcome = await clearOutcome(r.deps, r.actor, r.params.clearId);
  return <RestoreConfirmPage ctx={r.ctx()} outcome={outcome} errors={refused?.errors} />;
}

/** Clear All Usernames (confirm with a typed phrase and password), one clear's summary, and its Restore. */
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
    done: (_r, { clearId }) => withQuery(paths.clear(clearId), { done: '1' }),
    view: clearForm,
  });

  page({ path: paths.clear(':clearId'), access, params, query, view: (r, shown) => summary(r, shown.query) });

  page({ path: paths.restore(':clearId'), access, params, view: (r) => restoreConfirm(r) });

  form({
    path: paths.restore(':clearId'),
    access,
    params,
    fields: ['code'],
    stepUp: true,
    run: (r) => restoreClearedLogins(r.deps, r.actor, r.params.clearId),
    done: (r) => withQuery(paths.clear(r.params.clearId), { restored: '1' }),
    view: restoreConfirm,
  });
}
