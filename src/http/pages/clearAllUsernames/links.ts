import { CLEAR_ALL_USERNAMES_PATH, INVITATION_CODES_PATH } from '../invitationCodes/links.ts';

export { CLEAR_ALL_USERNAMES_PATH, INVITATION_CODES_PATH };
/** One Clear All Usernames: what it removed, and what its restore did. */
export const clearPath = (clearId: number) => `${CLEAR_ALL_USERNAMES_PATH}/${clearId}`;
/** The confirmation page (GET) and the restore itself (POST). */
export const restorePath = (clearId: number) => `${clearPath(clearId)}/restore`;

export const invitationCodesCrumbs = [
  { href: '/admin/member-management', label: 'Member Management' },
  { href: INVITATION_CODES_PATH, label: 'Invitation Codes' },
];

export const logins = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'login' : 'logins'}`;
