import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import {
  type EmailLogQuery,
  type EmailMessageDetail,
  emailLogFilterInput,
  emailLogQuery,
  emailMessageById,
  emailMessageId,
  listEmailLog,
} from '../../../domain/emailLog/emailLog.ts';
import { revealEmailMessage } from '../../../domain/emailLog/revealEmailMessage.ts';
import { readSettings, senderOf } from '../../../domain/settings/organisationSettings.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { EmailLogPage } from './EmailLogPage.tsx';
import { EmailMessagePage } from './EmailMessagePage.tsx';

type Message = { id: number };

const params = z.object({ id: emailMessageId });

/** The log for a search; after a refused page link, the error, the search as asked, and no messages. */
async function logView(r: Req<unknown>, shown: { query?: EmailLogQuery; refused?: Refusal }) {
  const { query, refused } = shown;
  const filter = query?.filter ?? emailLogFilterInput.parse(refused?.values ?? {});
  const page = query ? await listEmailLog(r.deps, r.actor, query.filter, query.position) : null;
  const delivers = Boolean(r.deps.config.smtpUrl);
  return (
    <EmailLogPage ctx={r.ctx()} page={page} filter={filter} delivers={delivers} errors={refused?.errors} />
  );
}

/** One message, its From as the portal sends mail now (the sender name of Organisation settings). */
async function messageView(r: Req<Message>, message: EmailMessageDetail, refused?: Refusal) {
  const { from } = senderOf(await readSettings(r.deps), r.deps.config);
  return (
    <EmailMessagePage
      ctx={r.ctx()}
      message={message}
      mailFrom={`${from.name} <${from.address}>`}
      delivers={Boolean(r.deps.config.smtpUrl)}
      errors={refused?.errors}
    />
  );
}

/** Admin › Email Log: every message, its delivery state and content; kept secrets revealed on request. */
export function registerEmailLogRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'invitations.send';

  page({ path: paths.emailLog, access, query: emailLogQuery, fields: [], view: logView });

  page({
    path: paths.emailMessage(':id'),
    access,
    params,
    view: async (r: Req<Message>) => messageView(r, await emailMessageById(r.deps, r.actor, r.params.id)),
  });

  // A POST, not a GET: revealing is an action, recorded in the Audit Log, and a GET must change nothing.
  form({
    path: paths.revealSecrets(':id'),
    access: 'logins.manage',
    params,
    fields: ['code'],
    stepUp: true,
    run: (r) => revealEmailMessage(r.deps, r.actor, r.params.id),
    done: (r, message) => {
      r.reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return messageView(r, message);
    },
    view: async (r, refused) => messageView(r, await emailMessageById(r.deps, r.actor, r.params.id), refused),
  });
}
