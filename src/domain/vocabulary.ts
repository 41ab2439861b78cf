/**
 * The portal's own words that the database also stores: a login's role and a message's delivery state.
 * They are defined once, beside the columns that hold them (src/db/schema); the pages, the CLI and the
 * jobs take them from here, so that nothing outside the domain reaches into the schema.
 */

import type { DeliveryState } from '../db/schema.ts';

export { type DeliveryState, deliveryStates, type Role, roles } from '../db/schema.ts';

/** A message's delivery state in the words people read: the admin pages and the CSV exports. */
export const deliveryStateWords: Record<DeliveryState, string> = {
  queued: 'Queued',
  claimed: 'Sending',
  sending: 'Sending',
  sent: 'Sent',
  logged: 'Kept in Email Log',
  deferred: 'Retrying',
  failed: 'Failed',
  interrupted: 'Interrupted',
  skipped: 'Not sent',
};
