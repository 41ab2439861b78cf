import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { passkeys } from '../../../db/schema.ts';
import { endSession } from '../../../domain/auth/sessions.ts';
import {
  passkeySignInInput,
  passkeySignInOptions,
  signInWithPasskey,
} from '../../../domain/passkeys/signInWithPasskey.ts';
import { findChallenge } from '../../../domain/twoStep/loginChallenges.ts';
import { sessionTokenOf } from '../../access.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { pendingTokenOf } from '../../pendingSignIn.ts';
import { safeNext } from '../../safeNext.ts';
import { VerifyPage } from '../auth/VerifyPage.tsx';
import { finishSignIn } from '../auth/verifyRoutes.tsx';
import { PasskeySignInForm } from './PasskeySignInForm.tsx';

const passkeyForm = passkeySignInInput.extend({ next: z.string().optional() });

/** The `Use a passkey` form for /login/verify, when the login waiting for its second step has a passkey. */
export async function passkeySignInSlot(app: App, r: Req<unknown>, next: string | undefined) {
  const token = pendingTokenOf(r.request, app);
  const challenge = token ? await findChallenge(r.deps.db, token, r.deps.clock.now()) : null;
  if (!challenge) return null;
  const [any] = await r.deps.db
    .select({ id: passkeys.id })
    .from(passkeys)
    .where(eq(passkeys.accountId, challenge.accountId))
    .limit(1);
  return any ? <PasskeySignInForm ctx={r.ctx()} next={next} /> : null;
}

/** /login/verify again after a refused code or passkey: its errors, `Use a passkey` when there is one. */
export async function verifyAgain(app: App, r: Req<unknown>, refused: Refusal) {
  const next = safeNext(refused.values.next, app.deps.config.publicUrl);
  const passkey = await passkeySignInSlot(app, r, next);
  return <VerifyPage ctx={r.ctx()} next={next} errors={refused.errors} passkey={passkey} />;
}

/** /login/verify with a passkey: the options (JSON for passkeys.js) and the answer. */
export function registerPasskeySignInRoutes(server: FastifyInstance, app: App): void {
  const { form } = routeKit(server, app);

  server.post(paths.loginPasskeyOptions, { config: { access: 'public' } }, async (request, reply) => {
    const options = await passkeySignInOptions(app.deps, pendingTokenOf(request, app));
    return reply.header('cache-control', 'no-store').type('application/json').send(options);
  });

  form({
    path: paths.loginPasskey,
    access: 'public',
    fields: ['code'],
    body: passkeyForm,
    run: async (r, input) => {
      const client = { ip: r.request.ip, userAgent: r.request.headers['user-agent'] ?? null };
      const signedIn = await signInWithPasskey(r.deps, {
        ...input,
        ...client,
        challengeToken: pendingTokenOf(r.request, app),
      });
      // As after a code: whatever session this browser still had is ended (rotated at sign-in).
      const previous = sessionTokenOf(r.request, app);
      if (previous) await endSession(r.deps, previous);
      return { signedIn, next: input.next };
    },
    done: (r, { signedIn, next }) => finishSignIn(app, r, signedIn, next),
    view: (r, refused) => verifyAgain(app, r, refused),
  });
}
