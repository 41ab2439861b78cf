import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { endSession } from '../../../domain/auth/sessions.ts';
import { findChallenge } from '../../../domain/twoStep/loginChallenges.ts';
import {
  CHALLENGE_GONE,
  type SignedInResult,
  verifySecondStep,
  verifySecondStepInput,
} from '../../../domain/twoStep/verifySecondStep.ts';
import { isAppError } from '../../../errors.ts';
import { sessionTokenOf, setSessionCookie } from '../../access.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { clearPendingCookie, pendingTokenOf } from '../../pendingSignIn.ts';
import { safeNext } from '../../safeNext.ts';
import { passkeySignInSlot, verifyAgain } from '../passkeys/signInRoutes.tsx';
import { landingFor } from './routes.tsx';
import { VerifyPage } from './VerifyPage.tsx';

const verifyForm = verifySecondStepInput.extend({ next: z.string().optional() });
const verifyQuery = z.object({ next: z.unknown().optional() });

/**
 * Where a finished sign-in goes: the session cookie replaces the pending one ("Keep me signed in" as
 * ticked at the password), then on to where the login was heading. Exported for the passkey route.
 */
export function finishSignIn(app: App, r: Req<unknown>, signedIn: SignedInResult, next: string | undefined) {
  clearPendingCookie(r.reply, app);
  setSessionCookie(r.reply, app, signedIn.token, signedIn.keep);
  r.request.log.info({ event: 'login.succeeded', accountId: signedIn.accountId, ip: r.request.ip }, 'login');
  return safeNext(next, app.deps.config.publicUrl) ?? landingFor(signedIn.role);
}

/** /login/verify: the second step between the password and the session. */
export function registerVerifyRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'public';
  const nextPage = (next: unknown) => safeNext(next, app.deps.config.publicUrl);
  const startAgain = (next: string | undefined) => withQuery(paths.login, { next });

  page({
    path: paths.loginVerify,
    access,
    query: verifyQuery,
    view: async (r, { query }) => {
      const next = nextPage(query?.next);
      const token = pendingTokenOf(r.request, app);
      // Without a pending sign-in (expired, used, never started) there is nothing to verify here.
      if (!token || !(await findChallenge(r.deps.db, token, r.deps.clock.now()))) return startAgain(next);
      return <VerifyPage ctx={r.ctx()} next={next} passkey={await passkeySignInSlot(app, r, next)} />;
    },
  });

  form({
    path: paths.loginVerify,
    access,
    fields: ['code'],
    body: verifyForm,
    run: async (r, input) => {
      const client = { ip: r.request.ip, userAgent: r.request.headers['user-agent'] ?? null };
      const challengeToken = pendingTokenOf(r.request, app);
      try {
        const signedIn = await verifySecondStep(r.deps, { ...input, ...client, challengeToken });
        // Whatever session this browser still had is ended: sessions are rotated at sign-in.
        const previous = sessionTokenOf(r.request, app);
        if (previous) await endSession(r.deps, previous);
        return { signedIn, next: input.next };
      } catch (e) {
        if (isAppError(e) && e.message === CHALLENGE_GONE) return { signedIn: null, next: input.next };
        if (isAppError(e) && (e.code === 'unauthenticated' || e.code === 'rate_limited')) {
          const event = `login.second_step_${e.code === 'rate_limited' ? 'throttled' : 'failed'}`;
          r.request.log.warn({ event, ip: r.request.ip }, 'second step refused');
        }
        throw e;
      }
    },
    done: (r, { signedIn, next }) => {
      if (!signedIn) {
        clearPendingCookie(r.reply, app);
        return startAgain(nextPage(next));
      }
      return finishSignIn(app, r, signedIn, next);
    },
    view: (r, refused) => verifyAgain(app, r, refused),
  });
}
