/** Whether a member is on the current roster or has lapsed (the roster file's status column). */
export type MemberStatus = 'current' | 'lapsed';

/** A roster member as every list shows them: member number, names, roster address and status. */
export type RosterEntry = {
  memberNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  status: MemberStatus;
};
