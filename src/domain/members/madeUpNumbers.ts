import { randomBytes } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * An administrator created before her roster record exists (first-run setup, `admin create` without a
 * member number) gets a member record with a made-up number: "ADM-" and six lower-case hex digits. That
 * pattern is the mark — no column, no migration, and the records made before this file existed carry it
 * already. Such a record is not a member of the organisation until it is linked to her real roster record
 * (Edit member, or an import that finds her email: see linkAdminRecords.ts), so member counts leave it out.
 */
export const MADE_UP_NUMBER = /^ADM-[0-9a-f]{6}$/;

export const newMadeUpNumber = (): string => `ADM-${randomBytes(3).toString('hex')}`;

export const isMadeUpNumber = (memberNumber: string): boolean => MADE_UP_NUMBER.test(memberNumber);

/**
 * The one condition member counts use to leave out made-up administrator records: true for a real roster
 * member. Pass the member number column (`members.memberNumber`, or `sql.raw('m.member_number')`).
 */
export const isRosterMember = (memberNumber: AnyPgColumn | SQL): SQL =>
  // The prefix test first: a plain comparison that settles almost every row before the regex runs. The
  // regex reads `member_number || ''` rather than the column, so that the planner takes its default
  // estimate instead of trying the pattern on every entry of the column's statistics (~0.02 ms of the
  // planning of every statement with this condition, a list page among them).
  sql`(${memberNumber} not like 'ADM-%' or (${memberNumber} || '') !~ '^ADM-[0-9a-f]{6}$')`;
