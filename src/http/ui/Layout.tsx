import type { ComponentChildren } from 'preact';
import { can } from '../../domain/policy.ts';
import type { Role } from '../../domain/vocabulary.ts';

export type PageContext = {
  orgName: string;
  csrfToken: string;
  passwordMinLength: number;
  publicUrl: string;
  user: { username: string; firstName: string; role: Role } | null;
  /** A dangerous action's form must ask for the second step again (StepUpField). */
  stepUpDue?: boolean;
};

type LayoutProps = {
  ctx: PageContext;
  title: string;
  /** Reload the page every N seconds (progress of background work; no JavaScript needed). */
  refreshSeconds?: number;
  children: ComponentChildren;
};

/** The frame of every page: skip link, header with the organisation's name, who is signed in, navigation, Log out. */
export function Layout({ ctx, title, refreshSeconds, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${ctx.orgName}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {refreshSeconds && <meta http-equiv="refresh" content={String(refreshSeconds)} />}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <a class="brand" href="/">
            {ctx.orgName} <span class="brand-sub">Member Portal</span>
          </a>
          {ctx.user && (
            <nav aria-label="Account">
              {/* Who is signed in, on every page: a shared computer or a second tab should not surprise. */}
              <span class="signed-in">
                Signed in as <strong>{ctx.user.firstName}</strong> ({ctx.user.username})
              </span>
              <a href="/home">My profile</a>
              {can(ctx.user.role, 'admin.enter') && <a href="/admin">Admin</a>}
              <form method="post" action="/logout" class="inline">
                <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                <button type="submit" class="link-button">
                  Log out
                </button>
              </form>
            </nav>
          )}
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}
