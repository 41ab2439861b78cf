import type { Permission } from '../../../domain/policy.ts';
import { paths } from '../../paths.ts';

/** Every report the Query Tool lists, in the order shown. */
export const reports: { href: string; title: string; description: string; permission: Permission }[] = [
  {
    href: paths.memberRoster,
    title: 'Member Roster - Current',
    description:
      'Current members with their username, Last Login and invitation state; sortable, exportable.',
    permission: 'reports.read',
  },
  {
    href: paths.invitationRounds,
    title: 'Invitation Rounds',
    description: 'Each Send, Send All and reminder round: sent, delivered, failed, and logins created since.',
    permission: 'reports.read',
  },
  {
    href: paths.pendingInvitations,
    title: 'Pending Invitations',
    description:
      'Members without a login whose newest invitation link is still open, soonest to expire first.',
    permission: 'reports.read',
  },
  {
    href: paths.failedDeliveries,
    title: 'Failed Deliveries',
    description: "Members whose invitation email could not be delivered, with the mail server's answer.",
    permission: 'reports.read',
  },
  {
    href: paths.loginActivity,
    title: 'Login Activity',
    description: 'Logins per day, and members who created a login but have not logged in since.',
    permission: 'reports.read',
  },
];
