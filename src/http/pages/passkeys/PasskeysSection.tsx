import type { PasskeyRow } from '../../../domain/passkeys/listPasskeys.ts';
import { paths } from '../../paths.ts';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

type Props = {
  ctx: PageContext;
  passkeys: PasskeyRow[];
  notice?: string;
  errors?: FieldErrors;
  typedName?: string;
};

/** One passkey's row: its name (renamed in place), dates, and Remove behind a confirmation tick. */
function PasskeyRowView({ ctx, passkey }: { ctx: PageContext; passkey: PasskeyRow }) {
  const renameId = `passkey-name-${passkey.id}`;
  const confirmId = `passkey-remove-${passkey.id}`;
  return (
    <tr>
      <th scope="row">{passkey.name}</th>
      <td>{formatDateTime(passkey.createdAt)}</td>
      <td>{formatDateTime(passkey.lastUsedAt)}</td>
      <td>
        <form method="post" action={paths.renamePasskey(passkey.id)} class="inline">
          <CsrfField token={ctx.csrfToken} />
          <label for={renameId}>New name for {passkey.name}</label>
          <input id={renameId} name="name" type="text" maxLength={60} value={passkey.name} required />
          <button type="submit" class="secondary">
            Rename
          </button>
        </form>
        <form method="post" action={paths.removePasskey(passkey.id)} class="inline">
          <CsrfField token={ctx.csrfToken} />
          <div class="field checkbox">
            <input type="checkbox" id={confirmId} name="confirm" value="on" required />
            <label for={confirmId}>Yes, remove {passkey.name}</label>
          </div>
          <button type="submit" class="secondary">
            Remove passkey {passkey.name}
          </button>
        </form>
      </td>
    </tr>
  );
}

/**
 * The Passkeys section of /home/security: the login's passkeys (name, added, last used; rename, remove)
 * and the form to add one. Adding needs a browser with WebAuthn: passkeys.js shows the form and fills in
 * the browser's answer; without it the section says so.
 */
export function PasskeysSection({ ctx, passkeys, notice, errors, typedName }: Props) {
  return (
    <section class="card" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      {notice && <Notice>{notice}</Notice>}
      <p>
        A passkey lives on your device or security key and signs you in with your fingerprint, face or PIN
        instead of a code. You can add several, one for each device.
      </p>
      {passkeys.length === 0 ? (
        <p>You have no passkeys yet.</p>
      ) : (
        <table>
          <caption>Your passkeys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {passkeys.map((p) => (
              <PasskeyRowView key={p.id} ctx={ctx} passkey={p} />
            ))}
          </tbody>
        </table>
      )}
      <noscript>
        <p>Adding a passkey needs JavaScript in your browser.</p>
      </noscript>
      <form
        method="post"
        action={paths.addPasskey}
        hidden
        data-passkey="register"
        data-passkey-options={paths.passkeyRegistrationOptions}
        data-passkey-field="credential"
      >
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="credential" value="" />
        <Field
          name="name"
          label="Passkey name"
          value={typedName}
          hint="Which device or key it is on, such as “Work laptop”."
          required
          errors={errors}
        />
        <button type="submit">Add a passkey</button>
        <p data-passkey-status aria-live="polite" />
      </form>
      <script src={paths.webauthnBrowserScript} defer />
      <script src={paths.passkeysScript} defer />
    </section>
  );
}
