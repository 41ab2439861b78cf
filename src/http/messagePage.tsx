import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { App } from '../app.ts';
import { can } from '../domain/policy.ts';
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

/** An error page: in the frame the person would see (see MessagePage), with a way back. */
export function sendMessagePage(
  app: App | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  shown: { status: number; title: string; body: ComponentChildren },
) {
  return sendPage(
    app,
    reply,
    <MessagePage
      ctx={contextOf(app, request, reply)}
      back={wayBack(request, app?.deps.config.publicUrl)}
      title={shown.title}
    >
      {shown.body}
    </MessagePage>,
    shown.status,
  );
}
