import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { App } from '../app.ts';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';
import { httpStatusOf, isAppError } from '../errors.ts';
import { isApiRequest } from './access.ts';
import { CsrfRejected } from './csrf.ts';
import { sendMessagePage } from './messagePage.tsx';

// Refusals an operator may need to see (ASVS V16.3.2): logged with the request id and address, never
// with what was typed.
const SECURITY_EVENTS = new Set(['forbidden', 'unauthenticated', 'rate_limited']);

// How long a browser or client should wait before trying again while the database is away: a restart
// usually takes seconds, a failover under a minute.
const RETRY_AFTER_SECONDS = 30;

const TITLES: Partial<Record<string, string>> = {
  forbidden: 'You do not have access to this page',
  not_found: 'Not found',
  gone: 'No longer available',
};

const TOO_LARGE = 413;

/** What an error is shown as: a page (title and words) or, under /api/, JSON with a code. */
type Shown = {
  status: number;
  title: string;
  body: ComponentChildren;
  code: string;
  message: string;
  field?: string;
  retryAfter?: number;
};

/** Each kind of error as the person sees it; logs what an operator needs to know on the way. */
function shownFor(error: Error & { code?: string; statusCode?: number }, request: FastifyRequest): Shown {
  if (isAppError(error)) {
    if (SECURITY_EVENTS.has(error.code)) {
      request.log.warn({ event: `refused.${error.code}`, ip: request.ip }, 'request refused');
    }
    return {
      status: httpStatusOf[error.code],
      title: TITLES[error.code] ?? 'Something needs your attention',
      body: (
        <>
          <p>{error.message}</p>
          {error.code === 'unauthenticated' && (
            <p>
              <a href="/login">Log in</a>
            </p>
          )}
        </>
      ),
      code: error.code,
      message: error.message,
      field: error.field,
    };
  }
  if (error instanceof CsrfRejected) {
    const message =
      'For your security, forms can only be sent from a page the portal just showed you. Go back, reload the page and try again.';
    return {
      status: 403,
      title: 'This form has expired',
      body: <p>{message}</p>,
      code: 'forbidden',
      message,
    };
  }
  if (error.statusCode === TOO_LARGE) {
    const message =
      'What was sent is larger than the portal accepts, so nothing was saved. Go back and send less: a shorter text, or a smaller file.';
    return {
      status: TOO_LARGE,
      title: 'Too large to send',
      body: <p>{message}</p>,
      code: 'too_large',
      message,
    };
  }
  const invalid = schemaValidationOf(error);
  if (invalid) {
    return {
      status: 400,
      title: 'That request could not be handled',
      body: <p>{invalid.message}</p>,
      code: 'validation',
      ...invalid,
    };
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return {
      status: error.statusCode,
      title: 'That request could not be handled',
      body: <p>{error.message}</p>,
      code: 'bad_request',
      message: error.message,
    };
  }
  if (isDatabaseUnreachable(error)) {
    // An outage, not a bug: one warning per request, and a page that says to wait rather than "failed".
    request.log.warn({ err: error }, 'database unreachable');
    return {
      status: 503,
      title: 'Temporarily unavailable',
      body: (
        <p>
          The portal cannot reach its database just now, so nothing was changed. This usually passes within a
          minute: wait a moment, then reload the page.
        </p>
      ),
      code: 'unavailable',
      message: 'The portal is temporarily unavailable. Try again shortly.',
      retryAfter: RETRY_AFTER_SECONDS,
    };
  }
  request.log.error({ err: error }, 'unexpected error');
  return {
    status: 500,
    title: 'Something went wrong',
    body: (
      <p>
        The portal could not finish this request. Nothing was changed by the part that failed. If it keeps
        happening, give your administrator this reference: {request.id}
      </p>
    ),
    code: 'internal',
    message: `The portal could not finish this request (reference ${request.id}).`,
  };
}

type SchemaValidationError = {
  validation?: { instancePath?: string; message?: string }[];
  validationContext?: string;
};

/**
 * A request refused by a route's schema (the JSON API validates with zod through Fastify): the first
 * problem, with the field it names — `email`, `members.3.email` — as the API's errors promise.
 */
function schemaValidationOf(
  error: Error & SchemaValidationError,
): { message: string; field?: string } | null {
  const first = error.validation?.[0];
  if (!first) return null;
  const field = (first.instancePath ?? '').split('/').filter(Boolean).join('.') || undefined;
  const where = error.validationContext === 'querystring' ? 'query parameter' : 'field';
  const message = first.message ?? 'is not valid';
  return { message: field ? `The ${where} ${field}: ${message}` : message, field };
}

/**
 * Expected errors become a clear page in the portal's frame (JSON under /api/); unexpected ones a 500
 * naming the request id. `app` gives the frame its organisation name; without it the page is bare.
 */
export function registerErrorHandling(server: FastifyInstance, app?: App): void {
  server.setErrorHandler(
    (error: Error & { code?: string; statusCode?: number }, request, reply: FastifyReply) => {
      const shown = shownFor(error, request);
      if (shown.retryAfter) reply.header('retry-after', String(shown.retryAfter));
      if (isApiRequest(request)) {
        const { code, message, field } = shown;
        return reply.status(shown.status).send({ error: { code, message, field } });
      }
      return sendMessagePage(app, request, reply, shown);
    },
  );
  server.setNotFoundHandler((request, reply) =>
    isApiRequest(request)
      ? reply.status(404).send({
          error: {
            code: 'not_found',
            message: `There is no ${request.method} ${request.url.split('?')[0]} in the API.`,
          },
        })
      : sendMessagePage(app, request, reply, {
          status: 404,
          title: 'Page not found',
          body: <p>There is no page at this address. Check the link, or start from the home page.</p>,
        }),
  );
}
