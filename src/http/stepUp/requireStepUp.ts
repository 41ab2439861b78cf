import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../domain/deps.ts';
import { proveStepUp } from '../../domain/stepUp/proveStepUp.ts';
import { markSecondStep, stepUpDue } from '../../domain/stepUp/secondStepAt.ts';
import { field } from '../render.ts';

/** Whether the signed-in session must prove its second step again before a dangerous action. */
export function stepUpDueFor(deps: Pick<Deps, 'clock' | 'config'>, request: FastifyRequest): boolean {
  const s = request.signedIn;
  return s ? stepUpDue(s, deps.clock.now(), deps.config.stepUpMs) : false;
}

/**
 * The route kit's step-up guard (`stepUp: true` on a form): passes when the second step is fresh;
 * otherwise checks the `Code` (or the passkey answer) sent with the form, and refuses naming `code` —
 * the form comes back with the field and what was typed. After a proof the request counts as fresh.
 */
export async function requireStepUp(deps: Deps, request: FastifyRequest): Promise<void> {
  const s = request.signedIn;
  if (!s || !stepUpDueFor(deps, request)) return;
  const proof = { code: field(request.body, 'code'), credential: field(request.body, 'stepUpCredential') };
  await proveStepUp(deps, { accountId: s.accountId, tokenHash: s.tokenHash, ip: request.ip }, proof);
  s.secondStepAt = deps.clock.now();
}

/**
 * A second step proved on this session just now outside sign-in (an authenticator app's first code, a
 * new passkey): it counts as fresh, so the first dangerous action after a set-up does not ask again.
 */
export async function noteSecondStep(deps: Deps, request: FastifyRequest): Promise<void> {
  const s = request.signedIn;
  if (!s) return;
  await markSecondStep(deps.db, s.tokenHash, deps.clock.now());
}
