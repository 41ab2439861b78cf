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
  defaultSendAllTarget,
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

/** The fields Send All's pages show errors next to: the options and the list's filters. */
const targetFields = ['skipRecentHours', 'search', 'status', 'invited', 'sentBefore', 'deliveryFailed'];

/** After a refusal, the filters still apply: the target read again with the hours left at the default. */
function targetAfterRefusal(typed: Record<string, string>): SendAllTarget {
  const parsed = sendAllTargetInput.safeParse({ ...typed, skipRecentHours: undefined });
  return parsed.success ? parsed.data : defaultSendAllTarget;
}

/**
 * Send All's confirmation: who it emails and who it leaves out, counted now. After a refusal (an option
 * or filter that did not parse, or a round already running) the page says why and offers no Send.
 */
async function confirmView(r: Req<unknown>, shown: { query?: SendAllTarget; refused?: Refusal }) {
  const target = shown.query ?? targetAfterRefusal(r.typed);
  const hoursRefused = Boolean(shown.refused?.errors.skipRecentHours);
  const [preview, running] = await Promise.all([
    hoursRefused ? null : previewSendAll(r.deps, r.actor, target),
    activeSendAll(r.deps),
  ]);
  return (
    <SendAllConfirmPage
      ctx={r.ctx()}
      target={target}
      preview={preview}
      running={running}
      errors={shown.refused?.errors}
      typedHours={hoursRefused ? r.typed.skipRecentHours : undefined}
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
