import type { PagePosition } from '../../../db/keyset.ts';
import type { RoundKind } from '../../../domain/reports/invitationRounds.ts';
import { paths, withQuery } from '../../paths.ts';

/** A round's kind in the words the admin pages use. */
export const roundKindWords: Record<RoundKind, string> = {
  send_all: 'Send All',
  reminder: 'Reminder',
  single: 'Single send',
};

/** The kind filter's choices, in the order shown: [query value, words]. */
export const roundKindChoices: [RoundKind | '', string][] = [
  ['', 'All rounds'],
  ['send_all', 'Send All'],
  ['reminder', 'Reminders'],
  ['single', 'Single sends'],
];

export const formatCount = (n: number): string => n.toLocaleString('en-GB');

/** "12 (34.5%)", or just the count when there is nothing to take a share of. */
export const countWithShare = (n: number, share: number | null): string =>
  share === null ? formatCount(n) : `${formatCount(n)} (${share.toLocaleString('en-GB')}%)`;

/** A link to the report, optionally for one kind and from a page position. */
export const roundsUrl = (kind: RoundKind | '' | undefined, position: PagePosition = {}) =>
  withQuery(paths.invitationRounds, { kind, ...position });
