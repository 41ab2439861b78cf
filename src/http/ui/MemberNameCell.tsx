import { paths } from '../paths.ts';

/** The id a row's buttons point at (aria-describedby), so "Send" is announced with whose row it is. */
export const memberNameId = (memberId: number) => `member-${memberId}-name`;

/** A member row's header cell: "Last, First", linking to the member's profile. */
export function MemberNameCell({
  member,
  describesRow = false,
}: {
  member: { id: number; firstName: string; lastName: string };
  describesRow?: boolean;
}) {
  return (
    <th scope="row" data-label="Name" id={describesRow ? memberNameId(member.id) : undefined}>
      <a href={paths.memberProfile(member.id)}>
        {member.lastName}, {member.firstName}
      </a>
    </th>
  );
}
