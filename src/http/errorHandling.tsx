import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';
import { httpStatusOf, isAppError } from '../errors.ts';
import { CsrfRejected } from './csrf.ts';
import { sendPage } from './render.ts';

function MessagePage({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <main id="main" class="message-page">
          <h1>{title}</h1>
          {children}
          <p>
            <a href="/">Go to the portal's home page</a>
          </p>
        </main>
      </body>
    </html>
  );
}

// Refusals an operator may need to see (ASVS V16.3.2): logged with the request id and address, never
// with what was typed.
const SECURITY_EVENTS = new Set(['forbidden', 'unauthenticated', 'rate_limited']);

const wantsJson = (request: FastifyRequest) => request.url.startsWith('/api/');

// How long a browser or client should wait before trying again while the database is away: a restart
// usually takes seconds, a failover under a minute.
const RETRY_AFTER_SECONDS = 30;

/** Expected errors become a clear page (or JSON); unexpected ones a plain 500 naming the request id. */
export function registerErrorHandling(server: FastifyInstance): void {
  server.setErrorHandler(
    (error: Error & { code?: string; statusCode?: number }, request, reply: FastifyReply) => {
      if (isAppError(error)) {
        const status = httpStatusOf[error.code];
        if (SECURITY_EVENTS.has(error.code)) {
          request.log.warn({ event: `refused.${error.code}`, ip: request.ip }, 'request refused');
        }
        if (wantsJson(request)) {
          return reply
            .status(status)
            .send({ error: { code: error.code, message: error.message, field: error.field } });
        }
        const title =
          error.code === 'forbidden'
            ? 'You do not have access to this page'
            : error.code === 'not_found'
              ? 'Not found'
              : 'Something needs your attention';
        const loginLink = error.code === 'unauthenticated' ? <a href="/login">Log in</a> : null;
        return sendPage(
          reply,
          <MessagePage title={title}>
            <p>{error.message}</p>
            {loginLink && <p>{loginLink}</p>}
          </MessagePage>,
          status,
        );
      }
      if (error instanceof CsrfRejected) {
        return sendPage(
          reply,
          <MessagePage title="This form has expired">
            <p>
              For your security, forms can only be sent from a page the portal just showed you. Go back,
              reload the page and try again.
            </p>
          </MessagePage>,
          403,
        );
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return sendPage(
          reply,
          <MessagePage title="That request could not be handled">
            <p>{error.message}</p>
          </MessagePage>,
          error.statusCode,
        );
      }
      if (isDatabaseUnreachable(error)) {
        // An outage, not a bug: one warning per request, and a page that says to wait rather than "failed".
        request.log.warn({ err: error }, 'database unreachable');
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        if (wantsJson(request)) {
          return reply.status(503).send({
            error: {
              code: 'unavailable',
              message: 'The portal is temporarily unavailable. Try again shortly.',
            },
          });
        }
        return sendPage(
          reply,
          <MessagePage title="Temporarily unavailable">
            <p>
              The portal cannot reach its database just now, so nothing was changed. This usually passes
              within a minute: wait a moment, then reload the page.
            </p>
          </MessagePage>,
          503,
        );
      }
      request.log.error({ err: error }, 'unexpected error');
      return sendPage(
        reply,
        <MessagePage title="Something went wrong">
          <p>
            The portal could not finish this request. Nothing was changed by the part that failed. If it keeps
            happening, give your administrator this reference: {request.id}
          </p>
        </MessagePage>,
        500,
      );
    },
  );
  server.setNotFoundHandler((_request, reply) =>
    sendPage(
      reply,
      <MessagePage title="Page not found">
        <p>There is no page at this address. Check the link, or start from the home page.</p>
      </MessagePage>,
      404,
    ),
  );
}
