import type { ComponentChildren } from 'preact';
import { paths } from '../paths.ts';
import { Layout, type PageContext } from './Layout.tsx';

/** Every admin page: the layout, the breadcrumbs from Admin down to this page, and its heading. */
export function AdminFrame({
  ctx,
  title,
  crumbs = [],
  refreshSeconds,
  children,
}: {
  ctx: PageContext;
  title: string;
  crumbs?: { href: string; label: string }[];
  refreshSeconds?: number;
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} title={title} refreshSeconds={refreshSeconds}>
      <nav aria-label="Breadcrumb" class="breadcrumbs">
        <a href={paths.admin}>Admin</a>
        {crumbs.map((c) => (
          <span key={c.href}>
            {' › '}
            <a href={c.href}>{c.label}</a>
          </span>
        ))}
      </nav>
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}
