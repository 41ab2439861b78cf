import { randomUUID } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { rosterUploads } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';

// An upload waits this long for the admin to look at the preview and apply it.
const UPLOAD_TTL_MS = 24 * 3_600_000;

export async function saveRosterUpload(
  deps: Deps,
  uploadedBy: number | null,
  upload: { fileName: string; content: string },
): Promise<string> {
  const id = randomUUID();
  await deps.db.insert(rosterUploads).values({ id, uploadedBy, ...upload, createdAt: deps.clock.now() });
  return id;
}

/** An upload can only be applied by the admin who made it. */
export async function loadRosterUpload(deps: Deps, id: string, uploadedBy: number | null) {
  const [row] = await deps.db
    .select()
    .from(rosterUploads)
    .where(
      and(
        eq(rosterUploads.id, id),
        uploadedBy === null ? undefined : eq(rosterUploads.uploadedBy, uploadedBy),
      ),
    )
    .limit(1);
  if (!row || row.createdAt.getTime() < deps.clock.now().getTime() - UPLOAD_TTL_MS) {
    throw new AppError('gone', 'This upload has expired or was already applied. Upload the file again.');
  }
  return row;
}

export async function deleteRosterUpload(deps: Deps, id: string): Promise<void> {
  await deps.db.delete(rosterUploads).where(eq(rosterUploads.id, id));
}

export async function purgeStaleRosterUploads(deps: Deps): Promise<void> {
  await deps.db
    .delete(rosterUploads)
    .where(lt(rosterUploads.createdAt, new Date(deps.clock.now().getTime() - UPLOAD_TTL_MS)));
}
