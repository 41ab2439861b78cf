import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { findPasswordReset } from '../../../domain/accounts/passwordResets.ts';
import { requestPasswordReset } from '../../../domain/accounts/requestPasswordReset.ts';
import { requestUsernameReminder } from '../../../domain/accounts/requestUsernameReminder.ts';
import { resetPassword } from '../../../domain/accounts/resetPassword.ts';
import { endSession } from '../../../domain/auth/sessions.ts';
import { isAppError } from '../../../errors.ts';
import { sessionTokenOf, setSessionCookie } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { CheckEmailPage, ForgotPasswordPage, ForgotUsernamePage } from './ForgotPages.tsx';
import { ResetPasswordPage, type ResetProblem, ResetProblemPage } from './ResetPasswordPages.tsx';

type TokenParams = { Params: { token: string } };

const resetAction = (token: string) => `/reset-password/${encodeURIComponent(token)}`;

/**
 * Forgot password / Forgot username and the emailed reset link. The request pages answer the same
 * whatever matched; the reset link's GET only looks (mail scanners open links), its POST sets the password.
 */
export function registerSelfServiceRoutes(server: FastifyInstance, app: App): void {
  const access = { config: { access: 'public' as const } };
  // Without SMTP nothing is emailed: the pages say what to do instead (ForgotPages, NoEmailPage).
  const noEmail = () => !app.deps.config.smtpUrl;
  const validationOnly = (e: unknown) => {
    if (!isAppError(e) || e.code !== 'validation') throw e;
    return { [e.field ?? '_form']: e.message };
  };

  server.get('/forgot-password', access, (request, reply) =>
    sendPage(reply, <ForgotPasswordPage ctx={pageContext(app, request, reply)} noEmail={noEmail()} />),
  );
  server.post('/forgot-password', access, async (request, reply) => {
    const identifier = field(request.body, 'identifier');
    try {
      await requestPasswordReset(app.deps, { identifier }, request.ip);
    } catch (e) {
      const errors = validationOnly(e);
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <ForgotPasswordPage ctx={ctx} value={identifier} errors={errors} />, 400);
    }
    return sendPage(
      reply,
      <CheckEmailPage ctx={pageContext(app, request, reply)} what="password" noEmail={noEmail()} />,
    );
  });

  server.get('/forgot-username', access, (request, reply) =>
    sendPage(reply, <ForgotUsernamePage ctx={pageContext(app, request, reply)} noEmail={noEmail()} />),
  );
  server.post('/forgot-username', access, async (request, reply) => {
    const email = field(request.body, 'email');
    try {
      await requestUsernameReminder(app.deps, { email }, request.ip);
    } catch (e) {
      const errors = validationOnly(e);
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <ForgotUsernamePage ctx={ctx} value={email} errors={errors} />, 400);
    }
    return sendPage(
      reply,
      <CheckEmailPage ctx={pageContext(app, request, reply)} what="username" noEmail={noEmail()} />,
    );
  });

  const problem = (request: FastifyRequest, reply: FastifyReply, state: ResetProblem) =>
    sendPage(
      reply,
      <ResetProblemPage ctx={pageContext(app, request, reply)} state={state} />,
      state === 'unknown' ? 404 : 410,
    );

  server.get<TokenParams>('/reset-password/:token', access, async (request, reply) => {
    reply.header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer');
    const reset = await findPasswordReset(app.deps, request.params.token);
    if (!reset) return problem(request, reply, 'unknown');
    if (reset.state !== 'valid') return problem(request, reply, reset.state);
    const ctx = pageContext(app, request, reply);
    return sendPage(
      reply,
      <ResetPasswordPage ctx={ctx} action={resetAction(request.params.token)} username={reset.username} />,
    );
  });

  server.post<TokenParams>('/reset-password/:token', access, async (request, reply) => {
    const { token } = request.params;
    reply.header('referrer-policy', 'no-referrer');
    try {
      const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
      const result = await resetPassword(
        app.deps,
        token,
        { newPassword: field(request.body, 'newPassword') },
        client,
      );
      // Like logging in: whatever session this browser had before is replaced, not left behind.
      const previous = sessionTokenOf(request, app);
      if (previous) await endSession(app.deps, previous);
      setSessionCookie(reply, app, result.sessionToken);
      return reply.redirect('/home?reset=1', 303);
    } catch (e) {
      if (!isAppError(e)) throw e;
      if (e.code === 'gone' || e.code === 'not_found') {
        return problem(request, reply, (e.details?.state as ResetProblem | undefined) ?? 'unknown');
      }
      if (e.code !== 'validation') throw e;
      const reset = await findPasswordReset(app.deps, token);
      const ctx = pageContext(app, request, reply);
      return sendPage(
        reply,
        <ResetPasswordPage
          ctx={ctx}
          action={resetAction(token)}
          username={reset?.username ?? ''}
          errors={{ [e.field ?? 'newPassword']: e.message }}
        />,
        400,
      );
    }
  });
}
