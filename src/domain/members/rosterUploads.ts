import { randomUUID } from 'node:crypto';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import { rosterUploads } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import type { RosterEncoding } from './decodeRosterFile.ts';
import { parseRosterCsv } from './parseRosterCsv.ts';
import type { RosterDelimiter } from './rosterDelimiter.ts';
import { nextTurn } from './rosterText.ts';

// An upload waits this long for the admin to look at the preview and apply it.
const UPLOAD_TTL_MS = 24 * 3_600_000;
// Characters per stored row. On the embedded database a statement runs on the server's own thread, and
// one statement carrying a 99 MB file held it for seconds; a piece this size takes milliseconds.
const PIECE_CHARS = 256 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An upload is stored as rows of one piece each: the head row has the upload's id and the first piece,
 * the others `<id>.<n>` (n = 1, 2, …) and the same owner and time, so expiry and deletion take them all.
 */
const pieceId = (id: string, n: number) => (n === 0 ? id : `${id}.${n}`);

/** How the file was read, for the preview to say: kept in a row `<id>.read` beside the pieces. */
export type RosterFileRead = { encoding: RosterEncoding; delimiter: RosterDelimiter };
const readId = (id: string) => `${id}.read`;

function* cut(piece: string): Generator<string> {
  for (let at = 0; at < piece.length; at += PIECE_CHARS) yield piece.slice(at, at + PIECE_CHARS);
}

/**
 * Checks that an uploaded file is a roster at all, and keeps it for the preview → apply step. Row problems
 * are the preview's to list; a file that is not a roster (no usable header, broken CSV) is refused here
 * with its line. `text` is called twice: once to check the file, once to store it.
 */
export async function saveRosterUpload(
  deps: Deps,
  actor: Actor,
  upload: { fileName: string; encoding: RosterEncoding; text: () => AsyncIterable<string> },
): Promise<string> {
  requirePermission(actor, 'members.import');
  const { fileProblem, delimiter } = await parseRosterCsv(upload.text(), { fileOnly: true });
  if (fileProblem) {
    throw new AppError('validation', `Line ${fileProblem.line}: ${fileProblem.message}.`, 'file');
  }
  const id = randomUUID();
  const row = { uploadedBy: actor.accountId, fileName: upload.fileName, createdAt: deps.clock.now() };
  // The head row goes in last: an upload cut short (a crash, a full disk) has no head, so it can never be
  // loaded half, and housekeeping removes its pieces with the expired uploads.
  const read: RosterFileRead = { encoding: upload.encoding, delimiter };
  await deps.db.insert(rosterUploads).values({ id: readId(id), content: JSON.stringify(read), ...row });
  let head: string | undefined;
  let n = 0;
  for await (const piece of upload.text()) {
    for (const content of cut(piece)) {
      if (head === undefined) head = content;
      else await deps.db.insert(rosterUploads).values({ id: pieceId(id, ++n), content, ...row });
    }
    await nextTurn();
  }
  await deps.db.insert(rosterUploads).values({ id, content: head ?? '', ...row });
  return id;
}

/**
 * An upload, which only the admin who made it can load, with its text read piece by piece as it is
 * iterated. Applying an upload deletes all its rows in one statement, so a piece found missing while the
 * head row is still there is the end of the file; if the head is gone too, the upload was applied or
 * expired meanwhile, and reading fails rather than handing on half a file.
 */
export async function loadRosterUpload(deps: Deps, id: string, uploadedBy: number | null) {
  const gone = () =>
    new AppError('gone', 'This upload has expired or was already applied. Upload the file again.');
  const headRow = async () => {
    const [row] = await deps.db
      .select({ fileName: rosterUploads.fileName, createdAt: rosterUploads.createdAt })
      .from(rosterUploads)
      .where(
        and(
          eq(rosterUploads.id, id),
          uploadedBy === null ? undefined : eq(rosterUploads.uploadedBy, uploadedBy),
        ),
      )
      .limit(1);
    return row && row.createdAt.getTime() >= deps.clock.now().getTime() - UPLOAD_TTL_MS ? row : undefined;
  };
  const head = UUID.test(id) ? await headRow() : undefined;
  if (!head) throw gone();
  const [readRow] = await deps.db
    .select({ content: rosterUploads.content })
    .from(rosterUploads)
    .where(eq(rosterUploads.id, readId(id)));
  const read = readRow ? (JSON.parse(readRow.content) as RosterFileRead) : null;
  async function* text(): AsyncGenerator<string> {
    for (let n = 0; ; n++) {
      const [piece] = await deps.db
        .select({ content: rosterUploads.content })
        .from(rosterUploads)
        .where(eq(rosterUploads.id, pieceId(id, n)));
      if (!piece) break;
      yield piece.content;
    }
    if (!(await headRow())) throw gone();
  }
  return { fileName: head.fileName, read, text };
}

export async function deleteRosterUpload(deps: Deps, id: string): Promise<void> {
  await deps.db
    .delete(rosterUploads)
    .where(or(eq(rosterUploads.id, id), sql`${rosterUploads.id} like ${`${id}.%`}`));
}

export async function purgeStaleRosterUploads(deps: Deps): Promise<void> {
  await deps.db
    .delete(rosterUploads)
    .where(lt(rosterUploads.createdAt, new Date(deps.clock.now().getTime() - UPLOAD_TTL_MS)));
}
