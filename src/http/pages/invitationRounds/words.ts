import type { RoundKind } from '../../../domain/reports/invitationRounds.ts';

export const INVITATION_ROUNDS_PATH = '/admin/query-tool/invitation-rounds';

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

/** A link to the report, optionally for one kind and from a keyset cursor. */
export function roundsUrl(kind: RoundKind | '' | undefined, cursor?: { older: string } | { newer: string }) {
  const p = new URLSearchParams();
  if (kind) p.set('kind', kind);
  for (const [k, v] of Object.entries(cursor ?? {})) p.set(k, v);
  return p.size ? `${INVITATION_ROUNDS_PATH}?${p}` : INVITATION_ROUNDS_PATH;
}
