import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns changes in schema.ts into a new forward-only SQL migration.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
});
