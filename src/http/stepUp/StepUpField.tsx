import { paths } from '../paths.ts';
import type { FieldErrors } from '../ui/forms.tsx';
import type { PageContext } from '../ui/Layout.tsx';

/**
 * Inside a dangerous action's form (step-up): when this session's last second step is older than
 * STEP_UP_MINUTES, the form asks for it again — a `Code`, or `Use a passkey` (shown by passkeys.js when
 * the browser can). Nothing when it is fresh or the login has no second step.
 */
export function StepUpField({
  ctx,
  errors,
  id = 'code',
}: {
  ctx: PageContext;
  errors?: FieldErrors;
  id?: string;
}) {
  if (!ctx.stepUpDue) return null;
  const error = errors?.code;
  return (
    <fieldset class="step-up">
      <legend>Confirm it is you</legend>
      <p class="hint">
        This action needs your second step again: a code from your authenticator app (or a recovery code), or
        your passkey.
      </p>
      {/* Not the shared Field: a page may hold two such forms (Change login), and ids must differ. */}
      <div class={`field${error ? ' field-error' : ''}`}>
        <label for={id}>Code</label>
        {error && (
          <p class="error" id={`${id}-error`}>
            {error}
          </p>
        )}
        <input
          id={id}
          name="code"
          type="text"
          autocomplete="one-time-code"
          inputmode="numeric"
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </div>
      <input type="hidden" name="stepUpCredential" value="" />
      <button
        type="button"
        class="secondary"
        hidden
        data-passkey="authenticate"
        data-passkey-options={paths.stepUpPasskeyOptions}
        data-passkey-field="stepUpCredential"
      >
        Use a passkey
      </button>
      <p data-passkey-status aria-live="polite" />
      <script src={paths.webauthnBrowserScript} defer />
      <script src={paths.passkeysScript} defer />
    </fieldset>
  );
}
