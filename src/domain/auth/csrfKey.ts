import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';

const KEY = 'csrf_hmac_key';

/**
 * The server-side key CSRF tokens are signed with. It lives in the database so that every web process
 * (and every restart) accepts the forms the others issued; created once, by whichever process is first.
 */
export async function csrfSigningKey(deps: Pick<Deps, 'db' | 'clock'>): Promise<string> {
  await deps.db
    .insert(settings)
    .values({ key: KEY, value: randomBytes(32).toString('base64url'), updatedAt: deps.clock.now() })
    .onConflictDoNothing();
  const [row] = await deps.db.select().from(settings).where(eq(settings.key, KEY)).limit(1);
  return String(row!.value);
}
