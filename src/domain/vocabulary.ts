/**
 * The portal's own words that the database also stores: a login's role and a message's delivery state.
 * They are defined once, beside the columns that hold them (src/db/schema); the pages, the CLI and the
 * jobs take them from here, so that nothing outside the domain reaches into the schema.
 */

export { type DeliveryState, deliveryStates, type Role, roles } from '../db/schema.ts';
