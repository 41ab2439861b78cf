import type { PagePosition } from '../../../db/keyset.ts';
import { paths, withQuery } from '../../paths.ts';

/** Breadcrumbs after "Admin" on every report: Admin › Query Tool › <report>. */
export const reportCrumbs = [{ href: paths.queryTool, label: 'Query Tool' }];

/** A report URL with its filters (defaults left out, in a fixed order) and, optionally, a page position. */
export const reportUrl = (
  path: string,
  filters: Record<string, string | undefined>,
  position: PagePosition = {},
): string => withQuery(path, { ...filters, ...position });

/** Invitation Codes searched for one member number: the exact match is listed first, with its Send button. */
export const invitationCodesFor = (memberNumber: string): string =>
  withQuery(paths.invitationCodes, { search: memberNumber });
