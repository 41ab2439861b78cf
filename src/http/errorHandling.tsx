import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { App } from '../app.ts';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';
import { can } from '../domain/policy.ts';
import { httpStatusOf, isAppError } from '../errors.ts';
import { CsrfRejected } from './csrf.ts';
import { pageContext, sendPage } from './render.ts';
import { safeNext } from './safeNext.ts';
import { AdminFrame } from './ui/AdminFrame.tsx';
import { Layout, type PageContext } from './ui/Layout.tsx';

/**
 * An error page inside the portal's frame: the admin frame for people who may enter Admin, the member
 * layout for other signed-in people, the layout without navigation for visitors. Each names who is
 * signed in (the header does) and offers a way back. Without a context (the frame itself could not be
 * built) a bare page keeps the message readable.
 */
function MessagePage({
  ctx,
  back,
  title,
  children,
}: {
  ctx: PageContext | null;
  back: Back;
  title: string;
  children: ComponentChildren;
}) {
  const body = (
    <>
      {children}
      <p class="error-way-back">
        <a href={back.href}>{back.label}</a>
      </p>
    </>
  );
  if (ctx?.user && can(ctx.user.role, 'admin.enter')) {
    return (
      <AdminFrame ctx={ctx} title={title}>
        {body}
      </AdminFrame>
    );
  }
  if (ctx) {
    return (
      <Layout ctx={ctx} title={title}>
        <div class="message-page">
          <h1>{title}</h1>
          {body}
        </div>
      </Layout>
    );
  }
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
          {body}
        </main>
      </body>
    </html>
  );
}

type Back = { href: string; label: string };

/**
 * Back to the page the person came from when the Referer is one of the portal's own pages (and not this
 * same address, which would only show the error again); otherwise the home page.
 */
function wayBack(request: FastifyRequest, publicUrl: string | undefined): Back {
  const home = { href: '/', label: "Go to the portal's home page" };
  const referer = request.headers.referer;
  if (!referer) return home;
  let from: URL;
  try {
    from = new URL(referer);
  } catch {
    return home;
  }
  const own = [`${request.protocol}://${request.host}`];
  if (publicUrl) own.push(new URL(publicUrl).origin);
  if (!own.includes(from.origin)) return home;
  const path = safeNext(`${from.pathname}${from.search}`, from.origin);
  if (!path || path === request.url) return home;
  return { href: path, label: 'Back to the page you came from' };
}

/** The frame's context, or null when it cannot be built (then the bare page is shown). */
function contextOf(app: App | undefined, request: FastifyRequest, reply: FastifyReply): PageContext | null {
  if (!app || !reply.server.csrf) return null;
  try {
    return pageContext(app, request, reply);
  } catch {
    return null;
  }
}

// Refusals an operator may need to see (ASVS V16.3.2): logged with the request id and address, never
// with what was typed.
const SECURITY_EVENTS = new Set(['forbidden', 'unauthenticated', 'rate_limited']);

const wantsJson = (request: FastifyRequest) => request.url.startsWith('/api/');

// How long a browser or client should wait before trying again while the database is away: a restart
// usually takes seconds, a failover under a minute.
const RETRY_AFTER_SECONDS = 30;

const TITLES: Partial<Record<string, string>> = {
  forbidden: 'You do not have access to this page',
  not_found: 'Not found',
  gone: 'No longer available',
};

const TOO_LARGE = 413;

/**
 * Expected errors become a clear page (or JSON) in the portal's frame; unexpected ones a plain 500
 * naming the request id. `app` gives the frame its organisation name; without it the page is bare.
 */
export function registerErrorHandling(server: FastifyInstance, app?: App): void {
  const publicUrl = app?.deps.config.publicUrl;
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    title: string,
    children: ComponentChildren,
  ) =>
    sendPage(
      reply,
      <MessagePage ctx={contextOf(app, request, reply)} back={wayBack(request, publicUrl)} title={title}>
        {children}
      </MessagePage>,
      status,
    );
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
        const title = TITLES[error.code] ?? 'Something needs your attention';
        const loginLink = error.code === 'unauthenticated' ? <a href="/login">Log in</a> : null;
        return page(
          request,
          reply,
          status,
          title,
          <>
            <p>{error.message}</p>
            {loginLink && <p>{loginLink}</p>}
          </>,
        );
      }
      if (error instanceof CsrfRejected) {
        return page(
          request,
          reply,
          403,
          'This form has expired',
          <p>
            For your security, forms can only be sent from a page the portal just showed you. Go back, reload
            the page and try again.
          </p>,
        );
      }
      if (error.statusCode === TOO_LARGE) {
        return page(
          request,
          reply,
          TOO_LARGE,
          'Too large to send',
          <p>
            What was sent is larger than the portal accepts, so nothing was saved. Go back and send less: a
            shorter text, or a smaller file.
          </p>,
        );
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return page(
          request,
          reply,
          error.statusCode,
          'That request could not be handled',
          <p>{error.message}</p>,
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
        return page(
          request,
          reply,
          503,
          'Temporarily unavailable',
          <p>
            The portal cannot reach its database just now, so nothing was changed. This usually passes within
            a minute: wait a moment, then reload the page.
          </p>,
        );
      }
      request.log.error({ err: error }, 'unexpected error');
      return page(
        request,
        reply,
        500,
        'Something went wrong',
        <p>
          The portal could not finish this request. Nothing was changed by the part that failed. If it keeps
          happening, give your administrator this reference: {request.id}
        </p>,
      );
    },
  );
  server.setNotFoundHandler((request, reply) =>
    page(
      request,
      reply,
      404,
      'Page not found',
      <p>There is no page at this address. Check the link, or start from the home page.</p>,
    ),
  );
}
