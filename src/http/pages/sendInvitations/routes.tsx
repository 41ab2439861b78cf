import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { id } from '../../../domain/input.ts';
import { sendAllCount } from '../../../domain/invitations/queueInvitations.ts';
import {
  sendInvitationInput,
  sendInvitationOnce,
  startSendAllInput,
  startSendAllOnce,
} from '../../../domain/invitations/repeatSafeSend.ts';
import { activeSendAll, roundProgress } from '../../../domain/invitations/sendAllProgress.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { RoundProgressPage, SendAllConfirmPage } from './SendAllPages.tsx';

const access = 'invitations.send';
const memberParams = z.object({ memberId: id('member') });
const roundParams = z.object({ roundId: id('round') });

/** Send All's confirmation, with the number it is about to email; after a refusal, with its message. */
async function confirmView(r: Req<unknown>, refused?: Refusal) {
  const [count, running] = await Promise.all([sendAllCount(r.deps), activeSendAll(r.deps)]);
  return <SendAllConfirmPage ctx={r.ctx()} count={count} running={running} error={refused?.errors._form} />;
}

/** A repeat acted on nothing and wrote no audit event; the debug line is for tracing a double press. */
const noteRepeat = (
  r: Req<unknown>,
  outcome: { repeated: boolean; result: { roundId: number } },
  what: string,
) => {
  if (outcome.repeated) r.request.log.debug({ roundId: outcome.result.roundId }, `repeated ${what}`);
};

/** Send on a row, Send All (confirm, start) and the progress of a round. */
export function registerSendInvitationRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);

  form({
    path: paths.send(':memberId'),
    access,
    params: memberParams,
    body: sendInvitationInput,
    run: (r, input) => sendInvitationOnce(r.deps, r.actor, r.params.memberId, input.key),
    done: (r, outcome) => {
      noteRepeat(r, outcome, 'Send answered with its first result');
      return withQuery(paths.invitationCodes, { sent: String(outcome.result.roundId) });
    },
  });

  page({ path: paths.sendAll, access, view: (r) => confirmView(r) });

  form({
    path: paths.sendAll,
    access,
    fields: [],
    body: startSendAllInput,
    run: (r, input) => startSendAllOnce(r.deps, r.actor, input.key),
    done: (r, outcome) => {
      noteRepeat(r, outcome, 'Send All answered with its first round');
      return paths.round(outcome.result.roundId);
    },
    view: confirmView,
  });

  page({
    path: paths.round(':roundId'),
    access,
    params: roundParams,
    view: async (r) => (
      <RoundProgressPage ctx={r.ctx()} progress={await roundProgress(r.deps, r.params.roundId)} />
    ),
  });
}
