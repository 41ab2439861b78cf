import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { KEY_PATTERN, type Outcome } from '../../domain/forms/repeatSafeSubmission.ts';
import { id } from '../../domain/input.ts';
import { type RoundProgress, roundProgress } from '../../domain/invitations/sendAllProgress.ts';
import { sendAllRequestInput } from '../../domain/invitations/sendAllRequest.ts';
import { sendToMemberNumber } from '../../domain/invitations/sendToMemberNumber.ts';
import { startSendAllRequest } from '../../domain/invitations/startSendAllRequest.ts';
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

/**
 * `Idempotency-Key`: a script that may send a request twice (a retry after a timeout) sends a key; the
 * same key from the same token within 24 hours answers with the first answer and does nothing again.
 */
const idempotencyHeader = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(KEY_PATTERN, 'An Idempotency-Key is 16 to 64 letters, digits, - or _ (a UUID will do).')
    .optional()
    .describe(
      'Makes the request safe to repeat: the same key from the same token within 24 hours answers with the first answer (and the Idempotent-Replayed: true header) without sending again.',
    ),
});

/** The request's Idempotency-Key with the token that sent it, if it has one. */
const requestKeyOf = (request: FastifyRequest) => {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' ? { apiTokenId: callerOf(request).tokenId, key } : undefined;
};

/** 202 with the round; a repeated request says it is the first answer again. */
function roundStarted(reply: FastifyReply, outcome: Outcome<{ roundId: number; total: number }>) {
  if (outcome.repeated) reply.header('idempotent-replayed', 'true');
  return reply.status(202).send({ round_id: outcome.result.roundId, total: outcome.result.total });
}

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

/** POST /members/{member_number}/invitations */
const sendOneSchema = {
  tags: TAGS,
  summary: 'Send one member an invitation (the row’s Send on Invitation Codes)',
  params: z.object({ member_number: z.string().min(1).max(100) }),
  headers: idempotencyHeader,
  response: {
    202: started.describe('Queued: the invitation email goes out from the background worker.'),
    404: apiError.describe('No member has this number.'),
    409: apiError.describe(
      'The member has already logged in, so no invitation is needed; or the Idempotency-Key was used for another request.',
    ),
  },
};

/** POST /invitation-rounds */
const sendAllSchema = {
  tags: TAGS,
  summary: 'Start Send All: invite every member without a login (the page’s Send All, same defaults)',
  headers: idempotencyHeader,
  body: sendAllRequestInput,
  response: {
    202: started.describe('Queued: the round’s emails go out from the background worker.'),
    409: apiError.describe(
      'A Send All or reminder round is running (the message gives its round id); or the Idempotency-Key was used for another request.',
    ),
  },
};

/** GET /invitation-rounds/{round_id} */
const roundSchema = {
  tags: TAGS,
  summary: 'A round’s progress, counted from its emails',
  params: z.object({ round_id: id('round') }),
  response: { 200: progress, 404: apiError.describe('There is no round with this id.') },
};

/**
 * Send (one member, by number), Send All and a round's progress over the JSON API. Each calls the use-case
 * behind the Invitation Codes page's buttons, acting as the token (audited under its name).
 */
export function registerInvitationRoutes(api: FastifyInstance, app: App): void {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/members/:member_number/invitations',
    { config: access, schema: sendOneSchema },
    async (request, reply) => {
      const memberNumber = request.params.member_number;
      const requestKey = requestKeyOf(request);
      const sent = await sendToMemberNumber(app.deps, callerOf(request).actor, { memberNumber, requestKey });
      return roundStarted(reply, { ...sent, result: { ...sent.result, total: 1 } });
    },
  );
  routes.post('/invitation-rounds', { config: access, schema: sendAllSchema }, async (request, reply) => {
    const input = { target: request.body, requestKey: requestKeyOf(request) };
    return roundStarted(
      reply,
      await orRunningRound(startSendAllRequest(app.deps, callerOf(request).actor, input)),
    );
  });
  routes.get('/invitation-rounds/:round_id', { config: access, schema: roundSchema }, async (request) =>
    roundAnswer(await roundProgress(app.deps, request.params.round_id)),
  );
}
