import { USERNAME_RULE } from '../../../domain/accounts/usernames.ts';
import type { InvitationState } from '../../../domain/invitations/findInvitation.ts';
import { paths } from '../../paths.ts';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';
import { PasswordField } from '../../ui/PasswordField.tsx';

/** Where the forms of one invitation post to: its link, or the typed code (carried in hidden fields). */
export type InviteTarget = { action: string; hidden: Record<string, string> };

const Hidden = ({ fields }: { fields: Record<string, string> }) => (
  <>
    {Object.entries(fields).map(([name, value]) => (
      <input key={name} type="hidden" name={name} value={value} />
    ))}
  </>
);

type WelcomeProps = {
  ctx: PageContext;
  firstName: string;
  expiresAt: Date;
  replacesLogin: boolean;
  target: InviteTarget;
  username?: string;
  errors?: FieldErrors;
};

export function InviteWelcomePage({
  ctx,
  firstName,
  expiresAt,
  replacesLogin,
  target,
  username,
  errors,
}: WelcomeProps) {
  return (
    <Layout ctx={ctx} title="Create your login">
      <div class="card narrow">
        <h1>Welcome, {firstName}</h1>
        <p>Choose your username and password for the {ctx.orgName} member portal.</p>
        {replacesLogin && (
          <p class="warning">
            You already have a login. Completing this form replaces your current username and password.
          </p>
        )}
        <ErrorSummary errors={errors} />
        <form method="post" action={target.action} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <Hidden fields={target.hidden} />
          <Field
            name="username"
            label="Username"
            value={username}
            autocomplete="username"
            hint={USERNAME_RULE}
            required
            errors={errors}
          />
          <PasswordField
            name="password"
            label="Password"
            minLength={ctx.passwordMinLength}
            orgName={ctx.orgName}
            words={[firstName]}
            wordFields={['username']}
            errors={errors}
          />
          <button type="submit">Create login</button>
        </form>
        <p class="muted">This invitation works until {formatDateTime(expiresAt)}.</p>
      </div>
    </Layout>
  );
}

const problemTitle: Record<Exclude<InvitationState, 'valid'> | 'unknown', string> = {
  expired: 'This invitation has expired',
  used: 'This invitation has already been used',
  revoked: 'This invitation has been replaced',
  unknown: 'This invitation link is not valid',
};

const problemText: Record<Exclude<InvitationState, 'valid'> | 'unknown', string> = {
  expired: 'Invitation links work for a limited time, and this one has run out.',
  used: 'A login has already been created with this invitation. If it was you, log in with the username you chose.',
  revoked: 'An administrator issued a newer link for this member, so this one no longer works.',
  unknown: 'The link may have been copied incompletely. You can type the code from your email instead.',
};

type ProblemProps = {
  ctx: PageContext;
  state: Exclude<InvitationState, 'valid'> | 'unknown';
  fresh?: InviteTarget;
};

/** Said before anyone types anything: what is wrong with the link, and the way forward. */
export function InviteProblemPage({ ctx, state, fresh }: ProblemProps) {
  return (
    <Layout ctx={ctx} title={problemTitle[state]}>
      <div class="card narrow">
        <h1>{problemTitle[state]}</h1>
        <p>{problemText[state]}</p>
        {state === 'used' && (
          <p>
            <a href={paths.login}>Log in</a>
          </p>
        )}
        {fresh && state !== 'unknown' && (
          <form method="post" action={fresh.action}>
            <CsrfField token={ctx.csrfToken} />
            <Hidden fields={fresh.hidden} />
            <p>
              If you have not created a login yet, we can email a fresh link to the address the organisation
              has on file for you.
            </p>
            <button type="submit">Email me a fresh link</button>
          </form>
        )}
        {state === 'unknown' && (
          <p>
            <a href={paths.invite}>Type your invitation code</a>
          </p>
        )}
      </div>
    </Layout>
  );
}

export function FreshLinkRequestedPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Check your email">
      <div class="card narrow">
        <h1>Check your email</h1>
        <Notice>
          If this invitation belongs to a member who has not created a login yet, a fresh link is on its way
          to the email address the organisation has on file. It can take a few minutes to arrive; check your
          spam folder too.
        </Notice>
      </div>
    </Layout>
  );
}

type CodeProps = { ctx: PageContext; code?: string; identifier?: string; errors?: FieldErrors };

/** /invite: for people who cannot click the link, the short code from the email. */
export function InviteCodePage({ ctx, code, identifier, errors }: CodeProps) {
  return (
    <Layout ctx={ctx} title="Enter your invitation code">
      <div class="card narrow">
        <h1>Enter your invitation code</h1>
        <p>
          Your invitation email has a code like ABCD-EFGH. Type it here with the email address or member
          number it was sent for.
        </p>
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.invite} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <Field
            name="code"
            label="Invitation code"
            value={code}
            autocomplete="one-time-code"
            required
            errors={errors}
          />
          <Field
            name="identifier"
            label="Email or member number"
            value={identifier}
            autocomplete="email"
            required
            errors={errors}
          />
          <button type="submit">Continue</button>
        </form>
      </div>
    </Layout>
  );
}
