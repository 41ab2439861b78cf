import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { id } from '../../domain/input.ts';
import { startSendAll } from '../../domain/invitations/queueInvitations.ts';
import { type RoundProgress, roundProgress } from '../../domain/invitations/sendAllProgress.ts';
import { sendAllRequestInput } from '../../domain/invitations/sendAllRequest.ts';
import { sendToMemberNumber } from '../../domain/invitations/sendToMemberNumber.ts';
import { AppError, isAppError } from '../../errors.ts';
import { callerOf } from './apiAuth.ts';
import { apiError, isoTime } from './apiSchemas.ts';

const TAGS = ['Invitations'];
const access = { access: 'api', apiScope: 'invitations:send' } as const;

const started = z
  .object({
    round_id: z
      .number()
      .int()
      .describe(
        'The round the invitations went into: follow it at GET /api/v1/invitation-rounds/{round_id}.',
      ),
    total: z
      .number()
      .int()
      .describe(
        'How many invitation emails the round queued (0: nobody to invite; the round is finished at once).',
      ),
  })
  .meta({ id: 'RoundStarted' });

const progress = z
  .object({
    round_id: z.number().int(),
    kind: z
      .enum(['single', 'send_all', 'reminder'])
      .describe('single: one member’s Send; send_all: Send All; reminder: an automatic reminder round.'),
    state: z
      .enum(['running', 'finished'])
      .describe('finished once no email of the round is waiting or being sent.'),
    total: z.number().int().describe('Emails the round queued: sent + failed + not_sent + remaining.'),
    sent: z.number().int().describe('Handed to the mail server (or, without SMTP, kept in the Email Log).'),
    failed: z.number().int().describe('Refused by the mail server or given up after retries.'),
    not_sent: z
      .number()
      .int()
      .describe('Not sent on purpose (the member made a login first) or interrupted.'),
    remaining: z.number().int().describe('Queued, waiting for a retry, or being sent.'),
    started_at: isoTime,
    finished_at: isoTime.nullable(),
  })
  .meta({ id: 'RoundProgress' });

const roundAnswer = (p: RoundProgress): z.infer<typeof progress> => ({
  round_id: p.roundId,
  kind: p.kind,
  state: p.finishedAt ? 'finished' : 'running',
  total: p.total,
  sent: p.sent,
  failed: p.failed,
  not_sent: p.notSent,
  remaining: p.remaining,
  started_at: p.startedAt.toISOString(),
  finished_at: p.finishedAt?.toISOString() ?? null,
});

/** A Send All (or reminder round) already running: its round id in words a script's log can act on. */
async function orRunningRound<T>(start: Promise<T>): Promise<T> {
  try {
    return await start;
  } catch (error) {
    if (!isAppError(error) || error.code !== 'conflict') throw error;
    const running = error.details?.roundId;
    if (typeof running !== 'number') throw error;
    throw new AppError(
      'conflict',
      `${error.message} Its round id is ${running}: follow it at GET /api/v1/invitation-rounds/${running}.`,
    );
  }
}

/**
 * Send (one member, by number), Send All and a round's progress over the JSON API. Each calls the use-case
 * behind the Invitation Codes page's buttons, acting as the token (audited under its name).
 */
export function registerInvitationRoutes(api: FastifyInstance, app: App): void {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/members/:member_number/invitations',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Send one member an invitation (the row’s Send on Invitation Codes)',
        params: z.object({ member_number: z.string().min(1).max(100) }),
        response: {
          202: started,
          404: apiError.describe('No member has this number.'),
          409: apiError.describe('The member has already logged in, so no invitation is needed.'),
        },
      },
    },
    async (request, reply) => {
      const sent = await sendToMemberNumber(app.deps, callerOf(request).actor, request.params.member_number);
      return reply.status(202).send({ round_id: sent.roundId, total: 1 });
    },
  );
  routes.post(
    '/invitation-rounds',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Start Send All: invite every member without a login (the page’s Send All, same defaults)',
        body: sendAllRequestInput,
        response: {
          202: started,
          409: apiError.describe('A Send All or reminder round is running; the message gives its round id.'),
        },
      },
    },
    async (request, reply) => {
      const round = await orRunningRound(startSendAll(app.deps, callerOf(request).actor, request.body));
      return reply.status(202).send({ round_id: round.roundId, total: round.total });
    },
  );
  routes.get(
    '/invitation-rounds/:round_id',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'A round’s progress, counted from its emails',
        params: z.object({ round_id: id('round') }),
        response: { 200: progress, 404: apiError.describe('There is no round with this id.') },
      },
    },
    async (request) => roundAnswer(await roundProgress(app.deps, request.params.round_id)),
  );
}
