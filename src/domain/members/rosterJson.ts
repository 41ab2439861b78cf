import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { type ParsedRoster, rosterRows } from './rosterRows.ts';
import { nextTurn } from './rosterText.ts';

/**
 * One member as the JSON API takes it: the roster CSV's columns as fields. The values are only required
 * to be text here; what they must say is checked by the same row rules as a CSV row (rosterRows.ts), so
 * an empty name or a malformed address is a problem reported with the member's index, like a file line.
 */
export const rosterJsonMember = z
  .object({
    member_number: z.string().describe('The key: an existing member with this number is updated.'),
    first_name: z.string(),
    last_name: z.string(),
    email: z.string(),
    status: z.string().optional().describe('`current` (the default) or `lapsed`.'),
  })
  .meta({ id: 'RosterMember' });

export type RosterJsonMember = z.infer<typeof rosterJsonMember>;

// Entries checked between two turns of the event loop: a list of 100,000 members is checked in ~20 pieces.
const ENTRIES_PER_TURN = 5_000;

/** Members sent as JSON, checked by the roster's row rules; each row is numbered by its index in the list. */
export async function parseRosterJson(members: readonly RosterJsonMember[]): Promise<ParsedRoster> {
  if (members.length === 0) throw new AppError('validation', 'Send at least one member.', 'members');
  const rows = rosterRows((index) => `at index ${index}`);
  for (const [index, member] of members.entries()) {
    rows.add(index, (column) => member[column]);
    if (index % ENTRIES_PER_TURN === ENTRIES_PER_TURN - 1) await nextTurn();
  }
  const { valid, problems, reasons } = rows;
  return { totalRows: members.length, valid, problems, fileProblem: null, reasons };
}
