import { can } from '../../../domain/policy.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { reports } from './reportList.ts';

/** Admin › Query Tool: every report the admin may open, each with what it answers. */
export function QueryToolPage({ ctx }: { ctx: PageContext }) {
  const shown = reports.filter((r) => ctx.user && can(ctx.user.role, r.permission));
  const idOf = (href: string) => `report-${href.replace(/\W+/g, '-')}`;
  return (
    <AdminFrame ctx={ctx} title="Query Tool">
      <p>Reports on the roster, its logins and its invitations. Each can be filtered, sorted and exported.</p>
      {shown.length === 0 ? (
        <div class="card">
          <p>There are no reports you can open with your access level.</p>
        </div>
      ) : (
        <nav aria-label="Reports" class="admin-nav">
          <ul>
            {shown.map((r) => (
              <li key={r.href}>
                {/* The description is announced with the link, but the link's name stays the title. */}
                <a href={r.href} aria-describedby={idOf(r.href)}>
                  {r.title}
                </a>
                <p id={idOf(r.href)}>{r.description}</p>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </AdminFrame>
  );
}
