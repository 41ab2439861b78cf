/**
 * For the login benchmark: a fresh database (PGlite data directory in a temp folder, or a scratch
 * PostgreSQL database) with many logins that share one password, for a real `gatehouse serve` child
 * (tests/cliProcess.ts `startServer`) to run on. The load generator then runs in another process than the
 * server, so it does not compete with the server's event loop (only, unavoidably, for the machine's cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openPglite, openPostgres } from '../../src/db/connect.ts';
import { hashPassword } from '../../src/domain/accounts/passwords.ts';
import { scratchDatabase } from './roster.ts';

export type Engine = 'pglite' | 'postgres';

/** A migrated database with `logins` accounts user1…userN, all with `password` (one hash, copied). */
export async function loginDatabase(engine: Engine, logins: number, password: string, pgServerUrl: string) {
  const dataDir = engine === 'pglite' ? mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-')) : undefined;
  const scratch = engine === 'postgres' ? await scratchDatabase(pgServerUrl) : undefined;
  const database = dataDir ? await openPglite(dataDir) : openPostgres(scratch!.url);
  await database.migrate();
  // Argon2 salts live inside the hash string: one hash for every account is fine for a benchmark and
  // saves hashing N times.
  const passwordHash = await hashPassword(password);
  await database.db.execute(sql`
    insert into members (member_number, first_name, last_name, email, email_lower, status)
    select 'L' || g, 'Bench', 'User' || g, 'user' || g || '@example.org', 'user' || g || '@example.org', 'current'
    from generate_series(1, ${logins}::int) g`);
  await database.db.execute(sql`
    insert into accounts (member_id, username, username_lower, password_hash, role)
    select id, 'user' || substr(member_number, 2), 'user' || substr(member_number, 2), ${passwordHash}, 'member'
    from members where member_number like 'L%'`);
  await database.db.execute(sql`analyze`);
  await database.close();
  const env: Record<string, string> = dataDir ? { DATA_DIR: dataDir } : { DATABASE_URL: scratch!.url };
  return {
    env,
    async drop() {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}
