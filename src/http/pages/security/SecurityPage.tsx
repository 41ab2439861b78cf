import type { ComponentChildren } from 'preact';
import type { AuthenticatorSetup } from '../../../domain/twoStep/authenticatorSetup.ts';
import type { SecondStepState } from '../../../domain/twoStep/secondSteps.ts';
import { spacedSecret } from '../../../domain/twoStep/totp.ts';
import { paths } from '../../paths.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';

export type SecurityView = {
  state: SecondStepState;
  /** While the app is not set up: the secret and its QR code (SVG made on the server). */
  setup: (AuthenticatorSetup & { qrSvg: string }) | null;
  /** The role requires a second step and the login has none: nothing else opens until it is set up. */
  forced: boolean;
  next?: string;
  notice?: string;
  errors?: FieldErrors;
  /** The Passkeys section (the passkey routes render it). */
  passkeys?: ComponentChildren;
};

const Next = ({ next }: { next?: string }) =>
  next ? <input type="hidden" name="next" value={next} /> : null;

function AuthenticatorSection({ ctx, view }: { ctx: PageContext; view: SecurityView }) {
  const { state, setup, next, errors } = view;
  return (
    <section class="card" aria-labelledby="authenticator-heading">
      <h2 id="authenticator-heading">Authenticator app</h2>
      {state.authenticator ? (
        <>
          <p>Turned on: signing in asks for a code from your authenticator app.</p>
          <form method="post" action={paths.removeAuthenticator}>
            <CsrfField token={ctx.csrfToken} />
            <div class="field checkbox">
              <input type="checkbox" id="confirm" name="confirm" value="yes" required />
              <label for="confirm">Yes, stop asking for a code from this app</label>
            </div>
            <button type="submit" class="secondary">
              Remove authenticator app
            </button>
          </form>
        </>
      ) : (
        setup && (
          <>
            <ol>
              <li>Open an authenticator app on your phone (any app for time-based codes works).</li>
              <li>
                Scan this QR code with it, or type the key below.
                {/* The SVG is made on the server by the qrcode package from our own otpauth:// URI. */}
                <div
                  class="qr-code"
                  role="img"
                  aria-label="QR code for your authenticator app"
                  dangerouslySetInnerHTML={{ __html: setup.qrSvg }}
                />
                <p>
                  Key: <code id="secret-key">{spacedSecret(setup.secret)}</code>
                </p>
              </li>
              <li>Type the six-digit code the app shows.</li>
            </ol>
            <form method="post" action={paths.confirmAuthenticator} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <Next next={next} />
              <Field name="code" label="Code" autocomplete="one-time-code" required errors={errors} />
              <button type="submit">Turn on authenticator app</button>
            </form>
          </>
        )
      )}
    </section>
  );
}

function RecoverySection({ ctx, view }: { ctx: PageContext; view: SecurityView }) {
  const { state } = view;
  const any = state.authenticator || state.passkeys > 0;
  return (
    <section class="card" aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">Recovery codes</h2>
      {any ? (
        <>
          <p>
            {state.recoveryCodesLeft} of 10 recovery codes unused. Each one signs you in once when your device
            is lost.
          </p>
          <form method="post" action={paths.regenerateRecoveryCodes}>
            <CsrfField token={ctx.csrfToken} />
            <p class="hint">New codes replace all the old ones, used or not.</p>
            <button type="submit" class="secondary">
              Regenerate recovery codes
            </button>
          </form>
        </>
      ) : (
        <p>You get ten recovery codes when you set up your first second step.</p>
      )}
    </section>
  );
}

/** /home/security: the login's second steps, set up and removed by their owner. */
export function SecurityPage({ ctx, view }: { ctx: PageContext; view: SecurityView }) {
  return (
    <Layout ctx={ctx} title="Two-step verification">
      <h1>Two-step verification</h1>
      {view.forced && (
        <Notice>
          Your access level requires two-step verification. Set up an authenticator app to continue.
        </Notice>
      )}
      {view.notice && <Notice>{view.notice}</Notice>}
      <ErrorSummary errors={view.errors} />
      <p>
        With two-step verification, signing in takes your password and a second step: a code from an
        authenticator app (or a passkey).
      </p>
      <AuthenticatorSection ctx={ctx} view={view} />
      {view.passkeys}
      <RecoverySection ctx={ctx} view={view} />
    </Layout>
  );
}
