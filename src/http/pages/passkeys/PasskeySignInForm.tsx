import { paths } from '../../paths.ts';
import { CsrfField } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

/**
 * /login/verify's `Use a passkey`: shown by passkeys.js (a browser that can use passkeys), which asks for
 * the options, lets the browser sign with the passkey, and sends its answer in `credential`.
 */
export function PasskeySignInForm({ ctx, next }: { ctx: PageContext; next?: string }) {
  return (
    <form
      method="post"
      action={paths.loginPasskey}
      hidden
      data-passkey="authenticate"
      data-passkey-options={paths.loginPasskeyOptions}
      data-passkey-field="credential"
    >
      <CsrfField token={ctx.csrfToken} />
      {next && <input type="hidden" name="next" value={next} />}
      <input type="hidden" name="credential" value="" />
      <p>Or use a passkey on this device or a security key.</p>
      <button type="submit" class="secondary">
        Use a passkey
      </button>
      <p data-passkey-status aria-live="polite" />
      <script src={paths.webauthnBrowserScript} defer />
      <script src={paths.passkeysScript} defer />
    </form>
  );
}
