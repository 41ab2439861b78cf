import { members } from '../../db/schema.ts';

/** Rows per page of every activity report (each pages with the keyset of src/db/keyset.ts). */
export const REPORT_PAGE_SIZE = 50;

/** Who a report row is about: the columns every member report shows and links by. */
export const memberColumns = {
  memberId: members.id,
  memberNumber: members.memberNumber,
  firstName: members.firstName,
  lastName: members.lastName,
  email: members.email,
};
