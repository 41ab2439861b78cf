import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { id } from '../../../domain/input.ts';
import { addPasskey, addPasskeyInput } from '../../../domain/passkeys/addPasskey.ts';
import { listPasskeys } from '../../../domain/passkeys/listPasskeys.ts';
import { passkeyRegistrationOptions } from '../../../domain/passkeys/registrationOptions.ts';
import { removePasskey, removePasskeyInput } from '../../../domain/passkeys/removePasskey.ts';
import { renamePasskey, renamePasskeyInput } from '../../../domain/passkeys/renamePasskey.ts';
import { stepUpPasskeyOptions } from '../../../domain/stepUp/proveStepUp.ts';
import { actorOf } from '../../access.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { noteSecondStep } from '../../stepUp/requireStepUp.ts';
import { securityView } from '../security/routes.tsx';
import { PasskeysSection } from './PasskeysSection.tsx';

const params = z.object({ id: id('passkey') });
const notices: Record<string, string> = {
  added: 'The passkey is added. Signing in can now use it as the second step.',
  renamed: 'The passkey is renamed.',
  removed: 'The passkey is removed.',
};

/** The Passkeys section for /home/security (securityView puts it in the page's slot). */
export async function passkeysSlot(r: Req<unknown>, refused?: Refusal) {
  const done = (r.request.query as Record<string, unknown> | undefined)?.passkey;
  const notice = typeof done === 'string' && Object.hasOwn(notices, done) ? notices[done] : undefined;
  const passkeys = await listPasskeys(r.deps.db, r.request.signedIn!.accountId);
  return (
    <PasskeysSection
      ctx={r.ctx()}
      passkeys={passkeys}
      notice={notice}
      errors={refused?.errors}
      typedName={refused?.values.name}
    />
  );
}

/** WebAuthn options are JSON for passkeys.js, never cached (each holds a single-use challenge). */
const sendJson = (reply: FastifyReply, body: unknown) =>
  reply.header('cache-control', 'no-store').type('application/json').send(body);

/** Passkeys on /home/security (add, rename, remove) and the options for a passkey step-up. */
export function registerPasskeyRoutes(server: FastifyInstance, app: App): void {
  const { form } = routeKit(server, app);
  const access = 'signedIn';
  const config = { access } as const;
  const back = (done: string) => withQuery(paths.homeSecurity, { passkey: done });
  const refusedView = (r: Req<unknown>, refused: Refusal) => securityView(r, undefined, { refused });

  server.post(paths.passkeyRegistrationOptions, { config }, async (request, reply) =>
    sendJson(reply, await passkeyRegistrationOptions(app.deps, actorOf(request))),
  );
  server.post(paths.stepUpPasskeyOptions, { config }, async (request, reply) =>
    sendJson(reply, await stepUpPasskeyOptions(app.deps, request.signedIn!.accountId)),
  );

  form({
    path: paths.addPasskey,
    access,
    fields: ['name'],
    body: addPasskeyInput,
    run: async (r, input) => {
      await addPasskey(r.deps, r.actor, input);
      await noteSecondStep(r.deps, r.request); // the new passkey was just used to sign its creation
    },
    done: () => back('added'),
    view: refusedView,
  });

  form({
    path: paths.renamePasskey(':id'),
    access,
    params,
    fields: ['name'],
    body: renamePasskeyInput.omit({ passkeyId: true }),
    run: (r, input) => renamePasskey(r.deps, r.actor, { ...input, passkeyId: r.params.id }),
    done: () => back('renamed'),
    view: refusedView,
  });

  form({
    path: paths.removePasskey(':id'),
    access,
    params,
    fields: ['confirm'],
    body: removePasskeyInput.omit({ passkeyId: true }),
    run: (r) => removePasskey(r.deps, r.actor, { passkeyId: r.params.id }),
    done: () => back('removed'),
    view: refusedView,
  });
}
