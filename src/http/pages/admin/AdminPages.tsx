import { can, type Permission } from '../../../domain/policy.ts';
import type { AdminDashboard } from '../../../domain/reports/adminDashboard.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { Dashboard } from './Dashboard.tsx';

type NavItem = { href: string; label: string; description: string; permission?: Permission };

const adminNav: NavItem[] = [
  {
    href: paths.memberManagement,
    label: 'Member Management',
    description: 'Import the roster and manage invitations.',
  },
  {
    href: paths.invitationCodes,
    label: 'Invitation Codes',
    description: 'Invite members who have no login yet.',
  },
  {
    href: paths.reminderRounds,
    label: 'Reminder Rounds',
    description: 'Remind members who have not created a login yet, on a schedule.',
    permission: 'settings.manage',
  },
  { href: paths.memberSearch, label: 'Member Search', description: 'Find a member and open their profile.' },
  { href: paths.queryTool, label: 'Query Tool', description: 'Reports such as Member Roster - Current.' },
  {
    href: paths.emailLog,
    label: 'Email Log',
    description: 'Every email the portal sent, or kept here without a mail server: state and content.',
  },
  {
    href: paths.auditLog,
    label: 'Audit Log',
    description: 'Who did what to whom, and when.',
    permission: 'audit.read',
  },
  {
    href: paths.organisationSettings,
    label: 'Settings',
    description: 'Organisation name, email sender, the invitation message and link expiry.',
    permission: 'settings.manage',
  },
  {
    href: paths.apiTokens,
    label: 'API tokens',
    description: 'Tokens for scripts that use the JSON API: create, list, revoke.',
    permission: 'apiTokens.manage',
  },
  {
    href: paths.webhooks,
    label: 'Webhooks',
    description: 'Tell your membership database about new logins, failed invitations and finished rounds.',
    permission: 'webhooks.manage',
  },
];

function NavList({ items }: { items: NavItem[] }) {
  const idOf = (href: string) => `nav-${href.replace(/\W+/g, '-')}`;
  // The description is announced with the link but is not part of its name ("Member Management").
  return (
    <ul>
      {items.map((item) => (
        <li key={item.href}>
          <a href={item.href} aria-describedby={idOf(item.href)}>
            {item.label}
          </a>
          <p id={idOf(item.href)}>{item.description}</p>
        </li>
      ))}
    </ul>
  );
}

export function AdminHomePage({
  ctx,
  welcome,
  dashboard,
}: {
  ctx: PageContext;
  welcome: boolean;
  dashboard: AdminDashboard;
}) {
  return (
    <AdminFrame ctx={ctx} title="Admin">
      {welcome && (
        <Notice>
          The portal is set up and you are signed in as its first Security Administrator. Next: import your
          roster under <a href={paths.import}>Member Management › Import members</a>.
        </Notice>
      )}
      <Dashboard ctx={ctx} data={dashboard} />
      <nav aria-label="Admin" class="admin-nav">
        <NavList
          items={adminNav.filter(
            (item) => !item.permission || (ctx.user && can(ctx.user.role, item.permission)),
          )}
        />
      </nav>
      {ctx.user && !can(ctx.user.role, 'logins.manage') && (
        <p class="muted">
          Some actions (changing logins, access levels, Clear All Usernames) need the Security Administrator
          access level.
        </p>
      )}
    </AdminFrame>
  );
}

export function MemberManagementPage({ ctx }: { ctx: PageContext }) {
  return (
    <AdminFrame ctx={ctx} title="Member Management">
      <nav aria-label="Member Management" class="admin-nav">
        <NavList
          items={[
            {
              href: paths.invitationCodes,
              label: 'Invitation Codes',
              description: 'Send invitations to members who have not created a login.',
            },
            {
              href: paths.import,
              label: 'Import members',
              description: 'Add and update members from a CSV file.',
            },
            {
              href: paths.addMember,
              label: 'Add member',
              description: 'Add one member to the roster by hand.',
            },
          ]}
        />
      </nav>
    </AdminFrame>
  );
}
