import { can } from '../../../domain/policy.ts';
import type { ReminderOverview } from '../../../domain/reminders/reminderOverview.ts';
import { EVERY_DAYS, MAX_PER_MEMBER } from '../../../domain/reminders/reminderSettings.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, ErrorSummary, type FieldErrors, Labelled, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { ReminderHistory } from './ReminderHistory.tsx';

/** The settings form's values as typed (strings), so a refused value is shown for correcting. */
export type ReminderFormValues = { enabled: string; everyDays: string; maxPerMember: string };

const notices = {
  saved: 'Reminder settings saved.',
  paused: 'Automatic reminder rounds are paused. Nothing is sent until you resume them.',
  resumed: 'Automatic reminder rounds are running again.',
} as const;
export type ReminderNotice = keyof typeof notices;

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

type Props = {
  ctx: PageContext;
  overview: ReminderOverview;
  values: ReminderFormValues;
  errors?: FieldErrors;
  notice?: ReminderNotice;
};

export function ReminderRoundsPage({ ctx, overview, values, errors, notice }: Props) {
  const { settings } = overview;
  const mayChange = ctx.user !== null && can(ctx.user.role, 'settings.manage');
  const state = !settings.enabled ? 'off' : settings.pausedAt ? 'paused' : 'on';
  return (
    <AdminFrame ctx={ctx} title="Reminder Rounds">
      {notice && <Notice>{notices[notice]}</Notice>}
      <ErrorSummary errors={errors} />
      <p>
        A reminder round emails a fresh invitation to members who were invited but have not created a login
        yet. When switched on, the portal starts one on its own at the interval you choose.
      </p>

      <section aria-labelledby="reminder-status" class="card">
        <h2 id="reminder-status">Status</h2>
        <p>
          Automatic reminder rounds are <strong>{state}</strong>
          {settings.pausedAt &&
            ` (${state === 'off' ? 'and paused ' : ''}since ${formatDateTime(settings.pausedAt)})`}
          {state === 'off' ? '. When on: every ' : ': every '}
          {count(settings.everyDays, 'day', 'days')}, at most{' '}
          {count(settings.maxPerMember, 'reminder', 'reminders')} per member.
        </p>
        <p>
          <strong>{count(overview.audience, 'member', 'members')}</strong> would get a reminder if a round ran
          now.
        </p>
        <p>
          {overview.nextCheckAt ? (
            <>
              Next round: <strong>{formatDateTime(overview.nextCheckAt)}</strong> (the portal checks every
              hour, on the hour; if nobody needs a reminder then, it looks again an hour later).
            </>
          ) : (
            'No round is scheduled while automatic reminder rounds are off or paused.'
          )}
        </p>
        {mayChange && (settings.pausedAt || settings.enabled) && (
          <form
            method="post"
            action={settings.pausedAt ? paths.resumeReminders : paths.pauseReminders}
            class="actions"
          >
            <CsrfField token={ctx.csrfToken} />
            <button type="submit">{settings.pausedAt ? 'Resume' : 'Pause'}</button>
            <span class="hint">
              {settings.pausedAt
                ? 'Rounds start again at the interval above.'
                : 'Stops automatic rounds without changing the settings.'}
            </span>
          </form>
        )}
      </section>

      {mayChange ? (
        <SettingsForm ctx={ctx} values={values} errors={errors} />
      ) : (
        <p class="muted">Only a Security Administrator can change these settings.</p>
      )}

      <section aria-labelledby="reminder-audience">
        <h2 id="reminder-audience">Who gets a reminder</h2>
        <ul>
          <li>current members who have not created a login,</li>
          <li>who have already received at least one invitation (a reminder is never the first email),</li>
          <li>whose last email did not fail permanently (temporary delays do not count),</li>
          <li>who were not sent an invitation in the chosen number of days,</li>
          <li>and who have had fewer reminders than the limit per member.</li>
        </ul>
      </section>

      <ReminderHistory recent={overview.recent} />
    </AdminFrame>
  );
}

function SettingsForm({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: ReminderFormValues;
  errors?: FieldErrors;
}) {
  const numberInput = (name: 'everyDays' | 'maxPerMember', label: string, hint: string) => (
    <Labelled name={name} label={label} hint={hint} errors={errors}>
      {(describedBy, invalid) => (
        <input
          id={name}
          name={name}
          type="text"
          inputMode="numeric"
          class="short"
          value={values[name]}
          required
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={describedBy}
        />
      )}
    </Labelled>
  );
  return (
    <form method="post" action={paths.reminderRounds} class="card" aria-labelledby="reminder-settings">
      <CsrfField token={ctx.csrfToken} />
      <h2 id="reminder-settings">Settings</h2>
      <fieldset
        class={`field reminder-switch${errors?.enabled ? ' field-error' : ''}`}
        aria-describedby={errors?.enabled ? 'enabled-error' : undefined}
      >
        <legend>Automatic reminder rounds</legend>
        {errors?.enabled && (
          <p class="error" id="enabled-error">
            {errors.enabled}
          </p>
        )}
        {(['on', 'off'] as const).map((v) => (
          <label key={v}>
            <input
              type="radio"
              name="enabled"
              value={v}
              id={v === 'on' ? 'enabled' : undefined}
              checked={values.enabled === v}
            />{' '}
            {v === 'on' ? 'On' : 'Off'}
          </label>
        ))}
      </fieldset>
      {numberInput(
        'everyDays',
        'Every',
        `days between reminder rounds (${EVERY_DAYS.min} to ${EVERY_DAYS.max})`,
      )}
      {numberInput(
        'maxPerMember',
        'At most',
        `reminders per member in all (${MAX_PER_MEMBER.min} to ${MAX_PER_MEMBER.max})`,
      )}
      <div class="actions">
        <button type="submit">Save settings</button>
      </div>
    </form>
  );
}
