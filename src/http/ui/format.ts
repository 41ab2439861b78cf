/** Dates as people read them. The server does not know the reader's zone, so it says UTC. */
export const formatDateTime = (d: Date | null | undefined, never = 'Never'): string =>
  d
    ? `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`
    : never;

/** A count with its noun in agreement: plural(1, 'member', 'members') is "1 member"; 2 is "2 members". */
export const plural = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
