import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { reminderOverview } from '../../../domain/reminders/reminderOverview.ts';
import {
  changeReminderSettings,
  type ReminderSettings,
  setRemindersPaused,
} from '../../../domain/reminders/reminderSettings.ts';
import { isAppError, ValidationErrors } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import {
  REMINDER_ROUNDS_PATH,
  type ReminderFormValues,
  type ReminderNotice,
  ReminderRoundsPage,
} from './ReminderRoundsPage.tsx';

const NOTICES = new Set<string>(['saved', 'paused', 'resumed']);

const savedValues = (s: ReminderSettings): ReminderFormValues => ({
  enabled: s.enabled ? 'on' : 'off',
  everyDays: String(s.everyDays),
  maxPerMember: String(s.maxPerMember),
});

/**
 * Admin > Reminder Rounds: the automatic reminder settings. Administrators may look (read-only);
 * changing, pausing and resuming need the Security Administrator level (settings.manage).
 */
export function registerReminderRoundsRoutes(server: FastifyInstance, app: App): void {
  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    opts: {
      values?: ReminderFormValues;
      errors?: FieldErrors;
      notice?: ReminderNotice;
      status?: number;
    } = {},
  ) => {
    const overview = await reminderOverview(app.deps, actorOf(request));
    return sendPage(
      reply,
      <ReminderRoundsPage
        ctx={pageContext(app, request, reply)}
        overview={overview}
        values={opts.values ?? savedValues(overview.settings)}
        errors={opts.errors}
        notice={opts.notice}
      />,
      opts.status,
    );
  };

  server.get<{ Querystring: { done?: string } }>(
    REMINDER_ROUNDS_PATH,
    { config: { access: 'reports.read' } },
    async (request, reply) => {
      const done = request.query.done ?? '';
      return render(request, reply, { notice: NOTICES.has(done) ? (done as ReminderNotice) : undefined });
    },
  );

  server.post(REMINDER_ROUNDS_PATH, { config: { access: 'settings.manage' } }, async (request, reply) => {
    const values: ReminderFormValues = {
      enabled: field(request.body, 'enabled'),
      everyDays: field(request.body, 'everyDays'),
      maxPerMember: field(request.body, 'maxPerMember'),
    };
    try {
      await changeReminderSettings(app.deps, actorOf(request), values);
      return reply.redirect(`${REMINDER_ROUNDS_PATH}?done=saved`, 303);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'validation') throw e;
      const errors = e instanceof ValidationErrors ? e.fields : { [e.field ?? '_form']: e.message };
      return render(request, reply, { values, errors, status: 400 });
    }
  });

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    server.post(
      `${REMINDER_ROUNDS_PATH}/${action}`,
      { config: { access: 'settings.manage' } },
      async (request, reply) => {
        await setRemindersPaused(app.deps, actorOf(request), paused);
        return reply.redirect(`${REMINDER_ROUNDS_PATH}?done=${paused ? 'paused' : 'resumed'}`, 303);
      },
    );
  }
}
