import { paths } from '../../paths.ts';

export const invitationCodesCrumbs = [
  { href: paths.memberManagement, label: 'Member Management' },
  { href: paths.invitationCodes, label: 'Invitation Codes' },
];

export const logins = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'login' : 'logins'}`;
