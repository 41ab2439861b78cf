import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import {
  type EmailLogFilter,
  type EmailLogPosition,
  type EmailMessageDetail,
  emailMessageById,
  isDeliveryState,
  listEmailLog,
} from '../../../domain/emailLog/emailLog.ts';
import { revealEmailMessage } from '../../../domain/emailLog/revealEmailMessage.ts';
import { AppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import { EmailLogPage } from './EmailLogPage.tsx';
import { EmailMessagePage } from './EmailMessagePage.tsx';
import { EMAIL_LOG_PATH } from './words.ts';

type ListQuery = { state?: string; to?: string; older?: string; newer?: string };

// Longer than any email address (254); a longer search cannot match and is not worth sending to the database.
const MAX_SEARCH_LENGTH = 320;

function readFilter(q: ListQuery): EmailLogFilter {
  const to = typeof q.to === 'string' ? q.to.trim().slice(0, MAX_SEARCH_LENGTH) : '';
  return {
    ...(typeof q.state === 'string' && isDeliveryState(q.state) ? { state: q.state } : {}),
    ...(to ? { to } : {}),
  };
}

function messageId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw))
    throw new AppError('not_found', 'There is no message with this number in the Email Log.');
  return Number(raw);
}

function readPosition(q: ListQuery): EmailLogPosition | undefined {
  if (typeof q.newer === 'string' && q.newer) return { direction: 'newer', cursor: q.newer };
  if (typeof q.older === 'string' && q.older) return { direction: 'older', cursor: q.older };
  return undefined;
}

export function registerEmailLogRoutes(server: FastifyInstance, app: App): void {
  const delivers = () => Boolean(app.deps.config.smtpUrl);

  server.get<{ Querystring: ListQuery }>(
    EMAIL_LOG_PATH,
    { config: { access: 'invitations.send' } },
    async (request, reply) => {
      const filter = readFilter(request.query);
      const page = await listEmailLog(app.deps, actorOf(request), filter, readPosition(request.query));
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <EmailLogPage ctx={ctx} page={page} filter={filter} delivers={delivers()} />);
    },
  );

  const showMessage = (request: FastifyRequest, reply: FastifyReply, message: EmailMessageDetail) =>
    sendPage(
      reply,
      <EmailMessagePage
        ctx={pageContext(app, request, reply)}
        message={message}
        mailFrom={app.deps.config.mailFrom}
        delivers={delivers()}
      />,
    );

  server.get<{ Params: { id: string } }>(
    `${EMAIL_LOG_PATH}/:id`,
    { config: { access: 'invitations.send' } },
    async (request, reply) =>
      showMessage(
        request,
        reply,
        await emailMessageById(app.deps, actorOf(request), messageId(request.params.id)),
      ),
  );

  // A POST, not a GET: revealing is an action, recorded in the Audit Log, and a GET must change nothing.
  server.post<{ Params: { id: string } }>(
    `${EMAIL_LOG_PATH}/:id/reveal`,
    { config: { access: 'logins.manage' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const message = await revealEmailMessage(app.deps, actorOf(request), messageId(request.params.id));
      return showMessage(request, reply, message);
    },
  );
}
