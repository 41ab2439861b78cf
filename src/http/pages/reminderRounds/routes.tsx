import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { reminderOverview } from '../../../domain/reminders/reminderOverview.ts';
import {
  changeReminderSettings,
  type ReminderSettings,
  reminderSettingsInput,
  setRemindersPaused,
} from '../../../domain/reminders/reminderSettings.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { type ReminderFormValues, type ReminderNotice, ReminderRoundsPage } from './ReminderRoundsPage.tsx';

// What was just done, said once over the page; any other value is no notice (not a refusal).
const query = z.object({ done: z.enum(['saved', 'paused', 'resumed']).optional().catch(undefined) });

const savedValues = (s: ReminderSettings): ReminderFormValues => ({
  enabled: s.enabled ? 'on' : 'off',
  everyDays: String(s.everyDays),
  maxPerMember: String(s.maxPerMember),
});

/** The page: the saved settings, or after a refusal what was typed, with the errors next to the fields. */
async function view(r: Req<unknown>, shown: { notice?: ReminderNotice; refused?: Refusal }) {
  const overview = await reminderOverview(r.deps, r.actor);
  const typed = shown.refused?.values;
  const values = typed
    ? {
        enabled: typed.enabled ?? '',
        everyDays: typed.everyDays ?? '',
        maxPerMember: typed.maxPerMember ?? '',
      }
    : savedValues(overview.settings);
  return (
    <ReminderRoundsPage
      ctx={r.ctx()}
      overview={overview}
      values={values}
      errors={shown.refused?.errors}
      notice={shown.notice}
    />
  );
}

const doneAt = (done: ReminderNotice) => withQuery(paths.reminderRounds, { done });

/**
 * Admin > Reminder Rounds: the automatic reminder settings. Administrators may look (read-only);
 * changing, pausing and resuming need the Security Administrator level (settings.manage).
 */
export function registerReminderRoundsRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'settings.manage';

  page({
    path: paths.reminderRounds,
    access: 'reports.read',
    query,
    view: (r, shown) => view(r, { notice: shown.query?.done, refused: shown.refused }),
  });

  form({
    path: paths.reminderRounds,
    access,
    fields: ['enabled', 'everyDays', 'maxPerMember'],
    body: reminderSettingsInput,
    run: (r, input) => changeReminderSettings(r.deps, r.actor, input),
    done: () => doneAt('saved'),
    view: (r, refused) => view(r, { refused }),
  });

  form({
    path: paths.pauseReminders,
    access,
    run: (r) => setRemindersPaused(r.deps, r.actor, true),
    done: () => doneAt('paused'),
  });

  form({
    path: paths.resumeReminders,
    access,
    run: (r) => setRemindersPaused(r.deps, r.actor, false),
    done: () => doneAt('resumed'),
  });
}
