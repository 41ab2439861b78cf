import type { Shape } from '../../db/rows.ts';

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

/** How a RosterEntry's columns are read from raw SQL (db/rows.ts); `status` holds only the two words. */
export const ROSTER_ENTRY_SHAPE = {
  memberNumber: 'text',
  firstName: 'text',
  lastName: 'text',
  email: 'text',
  status: 'text',
} as const satisfies Shape;
