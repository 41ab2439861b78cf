import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { findPasswordReset } from '../../../domain/accounts/passwordResets.ts';
import {
  requestPasswordReset,
  requestPasswordResetInput,
} from '../../../domain/accounts/requestPasswordReset.ts';
import {
  requestUsernameReminder,
  requestUsernameReminderInput,
} from '../../../domain/accounts/requestUsernameReminder.ts';
import { resetPassword, resetPasswordInput } from '../../../domain/accounts/resetPassword.ts';
import { endSession } from '../../../domain/auth/sessions.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../../access.ts';
import { linkProblemOf } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { setPendingCookie, verifyPath } from '../../pendingSignIn.ts';
import { CheckEmailPage, ForgotPasswordPage, ForgotUsernamePage } from './ForgotPages.tsx';
import { ResetPasswordPage, type ResetProblem, ResetProblemPage } from './ResetPasswordPages.tsx';

const params = z.object({ token: z.string() });
type Token = z.infer<typeof params>;

const resetAction = (token: string) => paths.resetPassword(encodeURIComponent(token));

/** A link that cannot be used says why: 404 for one never issued, 410 for one used or run out. */
const problem = (r: Req<Token>, state: ResetProblem) => ({
  page: <ResetProblemPage ctx={r.ctx()} state={state} />,
  status: state === 'unknown' ? 404 : 410,
});

// Keep the token out of Referer headers sent to anything the page loads.
const noReferrer = (r: Req<Token>) => r.reply.header('referrer-policy', 'no-referrer');
const clientOf = (r: Req<Token>) => ({
  ip: r.request.ip,
  userAgent: r.request.headers['user-agent'] ?? null,
});

/**
 * The emailed reset link. The GET only looks (mail scanners open links); the POST sets the password and
 * signs the member in.
 */
function registerResetRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'public';
  const path = paths.resetPassword(':token');

  page({
    path,
    access,
    params,
    view: async (r) => {
      r.reply.header('x-robots-tag', 'noindex');
      noReferrer(r);
      const reset = await findPasswordReset(r.deps, r.params.token);
      if (!reset) return problem(r, 'unknown');
      if (reset.state !== 'valid') return problem(r, reset.state);
      return (
        <ResetPasswordPage ctx={r.ctx()} action={resetAction(r.params.token)} username={reset.username} />
      );
    },
  });

  form({
    path,
    access,
    params,
    fields: ['newPassword'],
    body: resetPasswordInput,
    run: (r, input) => {
      noReferrer(r);
      return resetPassword(r.deps, r.params.token, input, clientOf(r)).catch(linkProblemOf<ResetProblem>);
    },
    done: async (r, result) => {
      if ('problem' in result) return problem(r, result.problem);
      // Like logging in: whatever session this browser had before is replaced, not left behind.
      const previous = sessionTokenOf(r.request, app);
      if (previous) await endSession(r.deps, previous);
      if ('challengeToken' in result) {
        clearSessionCookie(r.reply, app);
        setPendingCookie(r.reply, app, result.challengeToken);
        return verifyPath(withQuery(paths.home, { reset: '1' }));
      }
      setSessionCookie(r.reply, app, result.sessionToken);
      return withQuery(paths.home, { reset: '1' });
    },
    view: async (r, { errors }) => {
      noReferrer(r);
      const reset = await findPasswordReset(r.deps, r.params.token);
      const action = resetAction(r.params.token);
      return (
        <ResetPasswordPage ctx={r.ctx()} action={action} username={reset?.username ?? ''} errors={errors} />
      );
    },
  });
}

/**
 * Forgot password / Forgot username, and the emailed reset link. The request pages answer the same
 * whatever matched.
 */
export function registerSelfServiceRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'public';
  // Without SMTP nothing is emailed: the pages say what to do instead (ForgotPages, NoEmailPage).
  const noEmail = () => !app.deps.config.smtpUrl;

  page({
    path: paths.forgotPassword,
    access,
    view: (r) => <ForgotPasswordPage ctx={r.ctx()} noEmail={noEmail()} />,
  });
  form({
    path: paths.forgotPassword,
    access,
    fields: ['identifier'],
    body: requestPasswordResetInput,
    run: (r, input) => requestPasswordReset(r.deps, input, r.request.ip),
    done: (r) => <CheckEmailPage ctx={r.ctx()} what="password" noEmail={noEmail()} />,
    view: (r, { values, errors }) => (
      <ForgotPasswordPage ctx={r.ctx()} value={values.identifier} errors={errors} />
    ),
  });

  page({
    path: paths.forgotUsername,
    access,
    view: (r) => <ForgotUsernamePage ctx={r.ctx()} noEmail={noEmail()} />,
  });
  form({
    path: paths.forgotUsername,
    access,
    fields: ['email'],
    body: requestUsernameReminderInput,
    run: (r, input) => requestUsernameReminder(r.deps, input, r.request.ip),
    done: (r) => <CheckEmailPage ctx={r.ctx()} what="username" noEmail={noEmail()} />,
    view: (r, { values, errors }) => (
      <ForgotUsernamePage ctx={r.ctx()} value={values.email} errors={errors} />
    ),
  });

  registerResetRoutes(server, app);
}
