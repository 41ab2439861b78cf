import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import {
  type EmailLogFilter,
  type EmailLogPosition,
  emailMessageById,
  isDeliveryState,
  listEmailLog,
} from '../../../email/emailLog.ts';
import { AppError } from '../../../errors.ts';
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
      const page = await listEmailLog(app.deps, filter, readPosition(request.query));
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <EmailLogPage ctx={ctx} page={page} filter={filter} delivers={delivers()} />);
    },
  );

  server.get<{ Params: { id: string } }>(
    `${EMAIL_LOG_PATH}/:id`,
    { config: { access: 'invitations.send' } },
    async (request, reply) => {
      const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : null;
      if (id === null)
        throw new AppError('not_found', 'There is no message with this number in the Email Log.');
      const message = await emailMessageById(app.deps, id);
      const ctx = pageContext(app, request, reply);
      return sendPage(
        reply,
        <EmailMessagePage
          ctx={ctx}
          message={message}
          mailFrom={app.deps.config.mailFrom}
          delivers={delivers()}
        />,
      );
    },
  );
}
