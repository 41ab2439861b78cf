// The database schema, one file per area under schema/. Everything imports it from here; drizzle-kit
// reads this file to generate migrations (`npm run db:generate`).
export * from './schema/accounts.ts';
export * from './schema/apiTokens.ts';
export * from './schema/audit.ts';
export * from './schema/clearAllUsernames.ts';
export * from './schema/email.ts';
export * from './schema/figures.ts';
export * from './schema/members.ts';
export * from './schema/passkeys.ts';
export * from './schema/portal.ts';
export * from './schema/settings.ts';
export * from './schema/twoStep.ts';
export * from './schema/webhooks.ts';
