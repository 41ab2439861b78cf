import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { formKeyOf } from '../../../domain/forms/repeatSafeSubmission.ts';
import { sendAllCount } from '../../../domain/invitations/queueInvitations.ts';
import { sendInvitationOnce, startSendAllOnce } from '../../../domain/invitations/repeatSafeSend.ts';
import { activeSendAll, roundProgress } from '../../../domain/invitations/sendAllProgress.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import { RoundProgressPage, SendAllConfirmPage } from './SendAllPages.tsx';

const BASE = '/admin/member-management/invitation-codes';
const send = { config: { access: 'invitations.send' as const } };

const idParam = (raw: string) => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw new AppError('not_found', 'There is no such record.');
  return id;
};

/** Send on a row, Send All (confirm, start) and the progress of a round. */
export function registerSendInvitationRoutes(server: FastifyInstance, app: App): void {
  server.post<{ Params: { memberId: string } }>(`${BASE}/:memberId/send`, send, async (request, reply) => {
    const memberId = idParam(request.params.memberId);
    const key = formKeyOf(request.body);
    const { result, repeated } = await sendInvitationOnce(app.deps, actorOf(request), memberId, key);
    const { roundId } = result;
    // The repeat acted on nothing and wrote no audit event; the debug line is for tracing a double press.
    if (repeated) request.log.debug({ roundId }, 'repeated Send answered with its first result');
    return reply.redirect(`${BASE}?sent=${roundId}`, 303);
  });

  server.get(`${BASE}/send-all`, send, async (request, reply) => {
    const [count, running] = await Promise.all([sendAllCount(app.deps), activeSendAll(app.deps)]);
    return sendPage(
      reply,
      <SendAllConfirmPage ctx={pageContext(app, request, reply)} count={count} running={running} />,
    );
  });

  server.post(`${BASE}/send-all`, send, async (request, reply) => {
    const key = formKeyOf(request.body);
    try {
      const { result, repeated } = await startSendAllOnce(app.deps, actorOf(request), key);
      const { roundId } = result;
      if (repeated) request.log.debug({ roundId }, 'repeated Send All answered with its first round');
      return reply.redirect(`${BASE}/rounds/${roundId}`, 303);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'conflict') throw e;
      const [count, running] = await Promise.all([sendAllCount(app.deps), activeSendAll(app.deps)]);
      const ctx = pageContext(app, request, reply);
      return sendPage(
        reply,
        <SendAllConfirmPage ctx={ctx} count={count} running={running} error={e.message} />,
        409,
      );
    }
  });

  server.get<{ Params: { roundId: string } }>(`${BASE}/rounds/:roundId`, send, async (request, reply) => {
    const progress = await roundProgress(app.deps, idParam(request.params.roundId));
    return sendPage(reply, <RoundProgressPage ctx={pageContext(app, request, reply)} progress={progress} />);
  });
}
