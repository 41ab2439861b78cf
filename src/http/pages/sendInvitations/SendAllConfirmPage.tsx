import type { RoundProgress } from '../../../domain/invitations/sendAllProgress.ts';
import {
  hasSendAllFilters,
  type SendAllFilters,
  type SendAllPreview,
  type SendAllTarget,
  sendAllFilterParams,
} from '../../../domain/sendAll/sendAllTarget.ts';
import { paths, withQuery } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { RepeatSafeField } from '../../ui/RepeatSafeField.tsx';
import { invitationCodesCrumbs } from './SendAllPages.tsx';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** The filters and options as hidden fields, so the count and the round ask the same question. */
function TargetFields({ filters, options }: { filters: SendAllFilters; options?: SendAllTarget }) {
  const values: Record<string, string | undefined> = {
    ...sendAllFilterParams(filters),
    ...(options && {
      includeLapsed: options.includeLapsed ? '1' : undefined,
      skipRecentHours: String(options.skipRecentHours),
    }),
  };
  return (
    <>
      {Object.entries(values).map(([name, value]) =>
        value ? <input key={name} type="hidden" name={name} value={value} /> : null,
      )}
    </>
  );
}

function FiltersInWords({ filters }: { filters: SendAllFilters }) {
  const f = filters;
  const words = [
    f.search && `search “${f.search}”`,
    f.status && `status ${f.status === 'current' ? 'Current' : 'Lapsed'}`,
    f.invited && (f.invited === 'never' ? 'never invited' : 'invited before'),
    f.sentBefore && `last sent before ${f.sentBefore.toISOString().slice(0, 10)}`,
    f.deliveryFailed && 'delivery failed',
  ].filter(Boolean);
  const back = withQuery(paths.invitationCodes, sendAllFilterParams(filters));
  return (
    <p>
      Members without a login matching these filters: <strong>{words.join(', ')}</strong>.{' '}
      <a href={back}>Change the filters</a>
    </p>
  );
}

/** The options: a GET form, so changing them only recounts; nothing is sent until the button below. */
function OptionsForm({
  target,
  errors,
  typedHours,
}: {
  target: SendAllTarget;
  errors?: FieldErrors;
  typedHours?: string;
}) {
  return (
    <form method="get" action={paths.sendAll} class="card" aria-labelledby="options-heading">
      <h2 id="options-heading">Who to leave out</h2>
      <TargetFields filters={target.filters} />
      {target.filters.status ? null : (
        <p>
          <label>
            <input type="checkbox" name="includeLapsed" value="1" checked={target.includeLapsed} /> Include
            lapsed members
          </label>
        </p>
      )}
      <Field
        name="skipRecentHours"
        label="Skip members invited in the last (hours)"
        hint="0 sends to everyone, however recently they were invited."
        type="number"
        value={typedHours ?? String(target.skipRecentHours)}
        errors={errors}
      />
      <button type="submit" class="secondary">
        Update the count
      </button>
    </form>
  );
}

function Counts({ target, preview }: { target: SendAllTarget; preview: SendAllPreview }) {
  return (
    <ul class="counts" aria-label="Who is left out">
      {preview.recentlyInvited > 0 && (
        <li>
          <strong>{plural(preview.recentlyInvited, 'member', 'members')}</strong> invited in the last{' '}
          {plural(target.skipRecentHours, 'hour', 'hours')} will be skipped.
        </li>
      )}
      {preview.lapsedLeftOut > 0 && (
        <li>
          <strong>{plural(preview.lapsedLeftOut, 'lapsed member', 'lapsed members')}</strong> left out.
        </li>
      )}
    </ul>
  );
}

export type ConfirmProps = {
  ctx: PageContext;
  /** Null when the filters were refused: then the page offers only the way back to the list. */
  target: SendAllTarget | null;
  /** Null when the options were refused (then `errors` says why and nothing can be sent). */
  preview: SendAllPreview | null;
  running: RoundProgress | null;
  errors?: FieldErrors;
  typedHours?: string;
};

function SendForm({
  ctx,
  target,
  preview,
}: {
  ctx: PageContext;
  target: SendAllTarget;
  preview: SendAllPreview;
}) {
  const n = preview.toSend;
  const filtered = hasSendAllFilters(target.filters);
  return (
    <form method="post" action={paths.sendAll} class="card">
      <CsrfField token={ctx.csrfToken} />
      <RepeatSafeField />
      <TargetFields filters={target.filters} options={target} />
      <p>
        This emails an invitation to <strong>{plural(n, 'member', 'members')}</strong> who have not created a
        login yet. Links from earlier invitations keep working.
      </p>
      <p>It runs in the background: you can leave this page, and come back to see its progress.</p>
      <div class="actions">
        <button type="submit">
          {filtered
            ? `Send to the ${plural(n, 'member', 'members')} matching these filters`
            : `Send ${plural(n, 'invitation', 'invitations')}`}
        </button>
        <a href={withQuery(paths.invitationCodes, sendAllFilterParams(target.filters))}>Cancel</a>
      </div>
    </form>
  );
}

/** Send All asks first: who it emails (current members unless lapsed are asked for), who it skips and why. */
export function SendAllConfirmPage({ ctx, target, preview, running, errors, typedHours }: ConfirmProps) {
  return (
    <AdminFrame ctx={ctx} title="Send All" crumbs={invitationCodesCrumbs}>
      <ErrorSummary errors={errors} />
      {running ? (
        <div class="card">
          <p>
            A Send All is already running: {running.sent.toLocaleString('en')} of{' '}
            {running.total.toLocaleString('en')} sent.
          </p>
          <a class="button" href={paths.round(running.roundId)}>
            View progress
          </a>
        </div>
      ) : !target ? (
        <div class="card">
          <p>
            These filters could not be read, so nothing can be sent with them.{' '}
            <a href={paths.invitationCodes}>Back to Invitation Codes</a>
          </p>
        </div>
      ) : (
        <>
          {hasSendAllFilters(target.filters) ? (
            <FiltersInWords filters={target.filters} />
          ) : (
            <p>
              Send All emails the {target.includeLapsed ? 'members' : 'current members'} who have not created
              a login yet.
            </p>
          )}
          {preview && <Counts target={target} preview={preview} />}
          {preview && preview.toSend > 0 && <SendForm ctx={ctx} target={target} preview={preview} />}
          {preview && preview.toSend === 0 && (
            <div class="card" role="status">
              <p>
                Nobody to invite with these choices: every matching member is left out or already has a login.
              </p>
            </div>
          )}
          {/* After the Send form: the page's first form posting to Send All is the one that sends. */}
          <OptionsForm target={target} errors={errors} typedHours={typedHours} />
        </>
      )}
    </AdminFrame>
  );
}
