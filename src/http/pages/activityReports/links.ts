import type { PagePosition } from '../../../db/keyset.ts';

export const QUERY_TOOL_PATH = '/admin/query-tool';
export const PENDING_INVITATIONS_PATH = `${QUERY_TOOL_PATH}/pending-invitations`;
export const FAILED_DELIVERIES_PATH = `${QUERY_TOOL_PATH}/failed-deliveries`;
export const LOGIN_ACTIVITY_PATH = `${QUERY_TOOL_PATH}/login-activity`;
export const INVITATION_CODES_PATH = '/admin/member-management/invitation-codes';
export const IMPORT_PATH = '/admin/member-management/import';

/** Breadcrumbs after "Admin" on every report: Admin › Query Tool › <report>. */
export const reportCrumbs = [{ href: QUERY_TOOL_PATH, label: 'Query Tool' }];

/** A report URL with its filters (defaults left out, in a fixed order) and, optionally, a page position. */
export function reportUrl(
  path: string,
  filters: Record<string, string | undefined>,
  position: PagePosition = {},
) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...position })) if (v) p.set(k, v);
  return p.size ? `${path}?${p}` : path;
}

/** Invitation Codes searched for one member number: the exact match is listed first, with its Send button. */
export const invitationCodesFor = (memberNumber: string) =>
  `${INVITATION_CODES_PATH}?${new URLSearchParams({ search: memberNumber })}`;
