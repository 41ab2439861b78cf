/** Dates as people read them. The server does not know the reader's zone, so it says UTC. */
export const formatDateTime = (d: Date | null | undefined, never = 'Never'): string =>
  d
    ? `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`
    : never;
