import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { can } from '../../../domain/policy.ts';
import { authenticatorSetup } from '../../../domain/twoStep/authenticatorSetup.ts';
import {
  confirmAuthenticator,
  confirmAuthenticatorInput,
} from '../../../domain/twoStep/confirmAuthenticator.ts';
import { regenerateRecoveryCodes } from '../../../domain/twoStep/regenerateRecoveryCodes.ts';
import { removeAuthenticator } from '../../../domain/twoStep/removeAuthenticator.ts';
import { secondStepState } from '../../../domain/twoStep/secondSteps.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { safeNext } from '../../safeNext.ts';
import { noteSecondStep } from '../../stepUp/requireStepUp.ts';
import { passkeysSlot } from '../passkeys/routes.tsx';
import { RecoveryCodesPage } from './RecoveryCodesPage.tsx';
import { SecurityPage } from './SecurityPage.tsx';

const securityQuery = z.object({ next: z.unknown().optional(), removed: z.unknown().optional() });
const confirmForm = confirmAuthenticatorInput.extend({ next: z.string().optional() });
const removeForm = z.object({
  confirm: z.literal('yes', { error: 'Tick the box to confirm that you want to remove the app.' }),
});

/** The page's state for the signed-in person, with the QR code while the app is not set up. */
export async function securityView(
  r: Req<unknown>,
  next: string | undefined,
  shown: { notice?: string; refused?: Refusal },
) {
  const state = await secondStepState(r.deps.db, r.request.signedIn!.accountId);
  const setup = state.authenticator ? null : await authenticatorSetup(r.deps, r.actor);
  // qrcode is loaded when a QR code is drawn, not at every start.
  const qrSvg = setup
    ? await (await import('qrcode')).default.toString(setup.uri, { type: 'svg', margin: 2 })
    : '';
  const view = {
    state,
    setup: setup && { ...setup, qrSvg },
    forced: r.request.signedIn!.mustSetUpSecondStep,
    next,
    notice: shown.notice,
    errors: shown.refused?.errors,
    passkeys: await passkeysSlot(r, shown.refused),
  };
  return <SecurityPage ctx={r.ctx()} view={view} />;
}

/** Two-step verification: /home/security and its forms, open to every signed-in person. */
export function registerSecurityRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'signedIn';
  const nextPage = (next: unknown) => {
    const path = safeNext(next, app.deps.config.publicUrl);
    return path && !path.startsWith(paths.homeSecurity) ? path : undefined;
  };
  // After the codes: where the person was heading (a forced set-up interrupted it), else their start page.
  const continueTo = (r: Req<unknown>, next: string | undefined) =>
    next ?? (can(r.request.signedIn!.role, 'admin.enter') ? paths.admin : paths.homeSecurity);

  page({
    path: paths.homeSecurity,
    access,
    query: securityQuery,
    view: (r, { query }) =>
      securityView(r, nextPage(query?.next), {
        notice: query?.removed === '1' ? 'The authenticator app is removed.' : undefined,
      }),
  });

  form({
    path: paths.confirmAuthenticator,
    access,
    fields: ['code'],
    body: confirmForm,
    run: async (r, input) => {
      const codes = await confirmAuthenticator(r.deps, r.actor, input);
      await noteSecondStep(r.deps, r.request); // the right code just typed counts for step-up
      return { codes, next: input.next };
    },
    done: (r, { codes, next }) => (
      <RecoveryCodesPage ctx={r.ctx()} codes={codes} continueTo={continueTo(r, nextPage(next))} turnedOn />
    ),
    view: (r, refused) => securityView(r, nextPage(refused.values.next), { refused }),
  });

  form({
    path: paths.regenerateRecoveryCodes,
    access,
    run: (r) => regenerateRecoveryCodes(r.deps, r.actor),
    done: (r, codes) => (
      <RecoveryCodesPage ctx={r.ctx()} codes={codes} continueTo={paths.homeSecurity} turnedOn={false} />
    ),
    view: (r, refused) => securityView(r, undefined, { refused }),
  });

  form({
    path: paths.removeAuthenticator,
    access,
    fields: ['confirm'],
    body: removeForm,
    run: (r) => removeAuthenticator(r.deps, r.actor),
    done: () => withQuery(paths.homeSecurity, { removed: '1' }),
    view: (r, refused) => securityView(r, undefined, { refused }),
  });
}
