import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
import { isAppError } from '../../../errors.ts';
import { sessionTokenOf, setSessionCookie } from '../../access.ts';
import { refusalOf } from '../../kit/refusal.ts';
import { routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { pageContext, sendPage } from '../../render.ts';
import { CheckEmailPage, ForgotPasswordPage, ForgotUsernamePage } from './ForgotPages.tsx';
import { ResetPasswordPage, type ResetProblem, ResetProblemPage } from './ResetPasswordPages.tsx';

type TokenParams = { Params: { token: string } };

const resetAction = (token: string) => paths.resetPassword(encodeURIComponent(token));

/**
 * The emailed reset link. Plain routes, not kit specs: a link that cannot be used answers 404 or 410 with
 * its own page, and a kit page or form answers 200 or a refusal's status. The GET only looks (mail
 * scanners open links); the POST sets the password and signs the member in.
 */
function registerResetRoutes(server: FastifyInstance, app: App): void {
  const access = { config: { access: 'public' as const } };
  const problem = (request: FastifyRequest, reply: FastifyReply, state: ResetProblem) => {
    const page = <ResetProblemPage ctx={pageContext(app, request, reply)} state={state} />;
    return sendPage(reply, page, state === 'unknown' ? 404 : 410);
  };

  server.get<TokenParams>(paths.resetPassword(':token'), access, async (request, reply) => {
    reply.header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer');
    const reset = await findPasswordReset(app.deps, request.params.token);
    if (!reset) return problem(request, reply, 'unknown');
    if (reset.state !== 'valid') return problem(request, reply, reset.state);
    const ctx = pageContext(app, request, reply);
    const action = resetAction(request.params.token);
    return sendPage(reply, <ResetPasswordPage ctx={ctx} action={action} username={reset.username} />);
  });

  server.post<TokenParams>(paths.resetPassword(':token'), access, async (request, reply) => {
    const { token } = request.params;
    reply.header('referrer-policy', 'no-referrer');
    const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
    try {
      const input = resetPasswordInput.parse(request.body ?? {});
      const result = await resetPassword(app.deps, token, input, client);
      // Like logging in: whatever session this browser had before is replaced, not left behind.
      const previous = sessionTokenOf(request, app);
      if (previous) await endSession(app.deps, previous);
      setSessionCookie(reply, app, result.sessionToken);
      return reply.redirect(withQuery(paths.home, { reset: '1' }), 303);
    } catch (e) {
      if (isAppError(e) && (e.code === 'gone' || e.code === 'not_found')) {
        return problem(request, reply, (e.details?.state as ResetProblem | undefined) ?? 'unknown');
      }
      const refused = refusalOf(e, request.body, ['newPassword']);
      if (!refused) throw e;
      const reset = await findPasswordReset(app.deps, token);
      const ctx = pageContext(app, request, reply);
      const page = (
        <ResetPasswordPage
          ctx={ctx}
          action={resetAction(token)}
          username={reset?.username ?? ''}
          errors={refused.errors}
        />
      );
      return sendPage(reply, page, refused.status);
    }
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
