import type { InvitationPreview } from '../../../domain/settings/invitationPreview.ts';
import type { SettingsDefaults } from '../../../domain/settings/organisationSettings.ts';
import { LIMITS, LINK_EXPIRY_DAYS } from '../../../domain/settings/saveSettings.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Labelled, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { PreviewSection } from './PreviewSection.tsx';
import { TwoStepSetting } from './TwoStepSetting.tsx';

export const settingsFields = [
  'orgName',
  'senderName',
  'replyTo',
  'invitationMessage',
  'linkExpiryDays',
] as const;
/** The form's values as shown: what is in effect, or what was typed (refused, or being previewed). */
export type SettingsFormValues = Record<(typeof settingsFields)[number], string>;

type Props = {
  ctx: PageContext;
  values: SettingsFormValues;
  defaults: SettingsDefaults;
  preview: InvitationPreview;
  /** The preview shows what was typed, not yet saved. */
  previewing: boolean;
  errors?: FieldErrors;
  saved?: boolean;
  /** "Require two-step verification for Administrators", as saved. */
  requireTwoStepForAdmins: boolean;
};

/** Admin › Organisation settings: the name, the sender, the invitation's opening and link expiry. */
export function SettingsPage(props: Props) {
  const { ctx, values, defaults, preview, previewing, errors, saved } = props;
  return (
    <AdminFrame ctx={ctx} title="Organisation settings">
      {saved && <Notice>Settings saved. Pages and emails use them from now on.</Notice>}
      <ErrorSummary errors={errors} />
      <p>
        Leave a field empty to use the portal's default (set by its administrator in the environment). Links
        already sent keep the expiry date they were sent with.
      </p>
      <form method="post" action={paths.organisationSettings} class="card" id="settings-form">
        <CsrfField token={ctx.csrfToken} />
        <Field
          name="orgName"
          label="Organisation name"
          value={values.orgName}
          hint={`Shown in the header of every page and in every email. Default: ${defaults.orgName}.`}
          errors={errors}
        />
        <Field
          name="senderName"
          label="Sender name"
          value={values.senderName}
          hint={`The name emails come from; the address stays ${defaults.mailAddress}. Default: ${defaults.senderName}.`}
          errors={errors}
        />
        <Field
          name="replyTo"
          label="Reply-to address"
          value={values.replyTo}
          autocomplete="off"
          hint={`Where replies to the portal's emails go, such as your office. Empty: replies go to ${defaults.mailAddress}.`}
          errors={errors}
        />
        <Labelled
          name="invitationMessage"
          label="Invitation message"
          hint={`The paragraph the invitation email opens with, after “Hello” and the member's first name (up to ${LIMITS.invitationMessage} characters; a blank line starts a new paragraph). Empty: “<your name> of <organisation> invites you to create your login for the <organisation> member portal.” Reminders keep their own opening.`}
          errors={errors}
        >
          {(describedBy, invalid) => (
            <textarea
              id="invitationMessage"
              name="invitationMessage"
              rows={5}
              aria-invalid={invalid ? 'true' : undefined}
              aria-describedby={describedBy}
            >
              {values.invitationMessage}
            </textarea>
          )}
        </Labelled>
        <Field
          name="linkExpiryDays"
          label="Link expiry (days)"
          value={values.linkExpiryDays}
          hint={`How long a new invitation link and code stay valid, ${LINK_EXPIRY_DAYS.min} to ${LINK_EXPIRY_DAYS.max} days. Default: ${defaults.linkExpiryDays}.`}
          errors={errors}
        />
        <div class="actions">
          <button type="submit">Save settings</button>
          {/* Without JavaScript the preview follows the form on request; with it, as you type. */}
          <button
            type="submit"
            class="secondary"
            name="preview"
            value="1"
            formaction={`${paths.organisationSettingsPreview}#preview`}
            formnovalidate
          >
            Preview
          </button>
        </div>
      </form>
      <PreviewSection preview={preview} previewing={previewing} />
      <TwoStepSetting ctx={ctx} requireForAdmins={props.requireTwoStepForAdmins} />
      <script src={paths.organisationSettingsScript} defer />
    </AdminFrame>
  );
}
