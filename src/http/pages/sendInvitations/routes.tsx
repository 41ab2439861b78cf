import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { id } from '../../../domain/input.ts';
import {
  sendInvitationInput,
  sendInvitationOnce,
  startSendAllInput,
  startSendAllOnce,
} from '../../../domain/invitations/repeatSafeSend.ts';
import { activeSendAll, roundProgress } from '../../../domain/invitations/sendAllProgress.ts';
import {
  previewSendAll,
  type SendAllTarget,
  sendAllTargetInput,
} from '../../../domain/sendAll/sendAllTarget.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { listAfterSend } from '../invitationCodes/links.ts';
import { SendAllConfirmPage } from './SendAllConfirmPage.tsx';
import { RoundProgressPage } from './SendAllPages.tsx';

const access = 'invitations.send';
const memberParams = z.object({ memberId: id('member') });
const roundParams = z.object({ roundId: id('round') });

/** The field Send All's page shows an error next to; a refused filter is shown over the page. */
const targetFields = ['skipRecentHours'];

const targetOf = (typed: Record<string, string>): SendAllTarget | null => {
  const parsed = sendAllTargetInput.safeParse(typed);
  return parsed.success ? parsed.data : null;
};

/**
 * Send All's confirmation: who it emails and who it leaves out, counted now. After a refusal the page
 * says why and offers a Send only for a target read whole: a refused hours value keeps the filters (to
 * put it right), a refused filter offers nothing but the way back, never a wider Send All than was asked.
 */
async function confirmView(r: Req<unknown>, shown: { query?: SendAllTarget; refused?: Refusal }) {
  const target = shown.query ?? targetOf(r.typed);
  const filtersOnly = target ?? targetOf({ ...r.typed, skipRecentHours: '' });
  const [preview, running] = await Promise.all([
    target ? previewSendAll(r.deps, r.actor, target) : null,
    activeSendAll(r.deps),
  ]);
  return (
    <SendAllConfirmPage
      ctx={r.ctx()}
      target={filtersOnly}
      preview={preview}
      running={running}
      errors={shown.refused?.errors}
      typedHours={target ? undefined : r.typed.skipRecentHours}
    />
  );
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
      return listAfterSend(r.request.body, outcome.result.roundId);
    },
  });

  page({ path: paths.sendAll, access, query: sendAllTargetInput, fields: targetFields, view: confirmView });

  form({
    path: paths.sendAll,
    access,
    fields: targetFields,
    body: startSendAllInput,
    run: (r, input) => startSendAllOnce(r.deps, r.actor, input.key, input.target),
    done: (r, outcome) => {
      noteRepeat(r, outcome, 'Send All answered with its first round');
      return paths.round(outcome.result.roundId);
    },
    view: (r, refused) => confirmView(r, { refused }),
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
