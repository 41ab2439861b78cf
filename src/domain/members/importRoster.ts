import { z } from 'zod';
import type { DbOrTx, Tx } from '../../db/connect.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { type AdminLink, adminLinks, applyAdminLinks } from './linkAdminRecords.ts';
import {
  adminEmailProblem,
  type LoginEmailChange,
  loginEmailChanges,
  withoutLines,
} from './loginEmailChanges.ts';
import { noticeLoginEmailChanges } from './noticeLoginEmailChanges.ts';
import { type RosterEntries, readRosterEntries } from './rosterEntries.ts';
import type { ParsedRoster, RosterColumns, RosterProblem, RowReasons } from './rosterRows.ts';
import { nextTurn } from './rosterText.ts';
import {
  countRosterChanges,
  type RosterChanges,
  type RosterLoad,
  rosterLoadOf,
  serialiseRosterImports,
  upsertRosterRows,
  withMembersIndexesRebuilt,
} from './upsertRoster.ts';

export type { RosterProblem } from './rosterRows.ts';

export type ImportReport = {
  /** Data rows read (header and blank lines excluded). */
  totalRows: number;
  added: number;
  updated: number;
  unchanged: number;
  /** One per invalid row (line + reasons), plus `fileProblem` when there is one. */
  problems: RosterProblem[];
  /** The file as a whole is unusable (header, broken CSV): nothing is applied, not even valid rows. */
  fileProblem: RosterProblem | null;
  /** False when nothing was written: a dry run, or invalid rows without `validRowsOnly`. */
  applied: boolean;
  /**
   * Rows that are the real roster record of an administrator with a made-up one: her record takes the
   * row's member number instead of her being added twice (linkAdminRecords.ts). Counted as updated.
   */
  linked: AdminLink[];
  /** Each invalid row's reasons one by one, with their fields (the JSON API lists them so). */
  reasons: RowReasons;
  /** Lines of valid rows refused for moving an administrator's email (their problem names `email`). */
  conflicts: ReadonlySet<number>;
};

/** The rows (a CSV's text or JSON members, see rosterEntries.ts) and how to import them. */
export type ImportInput = RosterEntries & {
  /** File name (or which API call), for the audit event. */
  source: string;
  dryRun: boolean;
  /** Apply the valid rows even when some rows are invalid. */
  validRowsOnly: boolean;
};

/** The preview's Apply form: the box "Import valid rows only" (ticked sends "yes"). */
export const importApplyInput = z.object({
  validRowsOnly: z
    .string()
    .optional()
    .transform((value) => value === 'yes'),
});

// Rows per statement. Small enough that one statement on the embedded database (which runs on the server's
// own thread) holds it for milliseconds, not seconds; big enough that per-statement overhead stays small.
const CHUNK_ROWS = 2_000;

function* chunks(rows: RosterColumns): Generator<RosterColumns> {
  for (let start = 0; start < rows.memberNumber.length; start += CHUNK_ROWS) {
    const end = start + CHUNK_ROWS;
    yield {
      line: rows.line.slice(start, end),
      memberNumber: rows.memberNumber.slice(start, end),
      firstName: rows.firstName.slice(start, end),
      lastName: rows.lastName.slice(start, end),
      email: rows.email.slice(start, end),
      status: rows.status.slice(start, end),
    };
  }
}

async function inChunks(
  rows: RosterColumns,
  onProgress: (done: number, total: number) => void,
  step: (chunk: RosterColumns) => Promise<RosterChanges>,
): Promise<RosterChanges> {
  const total = rows.memberNumber.length;
  const sum: RosterChanges = { added: 0, updated: 0, unchanged: 0 };
  let done = 0;
  onProgress(0, total);
  for (const chunk of chunks(rows)) {
    const c = await step(chunk);
    sum.added += c.added;
    sum.updated += c.updated;
    sum.unchanged += c.unchanged;
    done += chunk.memberNumber.length;
    onProgress(done, total);
    // PGlite answers without I/O, so without this the loop would not get a turn between statements.
    await nextTurn();
  }
  return sum;
}

/** The file's own problems, with those found against the database merged in by line; a file problem last. */
function mergeProblems(parsed: ParsedRoster, found: RosterProblem[]): RosterProblem[] {
  if (found.length === 0) return parsed.problems;
  const rowProblems = parsed.problems.filter((p) => p !== parsed.fileProblem);
  const merged = [...rowProblems, ...found].sort((a, b) => a.line - b.line);
  return parsed.fileProblem ? [...merged, parsed.fileProblem] : merged;
}

/**
 * The rows checked against the database: a row that would move the email of an Administrator's or
 * Security Administrator's login is a problem (whoever imports, even the command line), and the email
 * changes of other logins are returned so they can be audited and announced. Checked chunk by chunk;
 * with `lock`, each chunk's members are locked in id order (see loginEmailChanges).
 */
async function checkAgainstLogins(db: DbOrTx, parsed: ParsedRoster, lock: boolean) {
  const changes: LoginEmailChange[] = [];
  for (const chunk of chunks(parsed.valid)) {
    changes.push(...(await loginEmailChanges(db, chunk, lock)));
    await nextTurn();
  }
  const refused = changes.filter((c) => c.role !== 'member');
  return {
    problems: mergeProblems(parsed, refused.map(adminEmailProblem)),
    conflicts: new Set(refused.map((c) => c.line)),
    valid: withoutLines(parsed.valid, new Set(refused.map((c) => c.line))),
    notices: changes.filter((c) => c.role === 'member'),
  };
}

/**
 * Upserts the roster by member number from a CSV file (CONTRACT.md, "Roster CSV") or from members sent
 * as JSON (the API's import and its one-member PUT, which is an import of one row). Every row is checked
 * first; unless told to skip invalid rows, one invalid row means nothing is written. Counts always
 * describe the valid rows. The write, its audit events and the notices to old addresses are one
 * transaction: all of it or none.
 */
export async function importRoster(
  deps: Deps,
  actor: Actor,
  input: ImportInput,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportReport> {
  requirePermission(actor, 'members.import');
  const parsed = await readRosterEntries(input);
  const report = (
    changes: RosterChanges,
    checked: { problems: RosterProblem[]; conflicts: ReadonlySet<number> },
    applied: boolean,
    linked: AdminLink[],
  ): ImportReport => ({
    totalRows: parsed.totalRows,
    ...changes,
    problems: checked.problems,
    fileProblem: parsed.fileProblem,
    applied,
    linked,
    reasons: parsed.reasons,
    conflicts: checked.conflicts,
  });
  const count = async (db: DbOrTx, checked: Awaited<ReturnType<typeof checkAgainstLogins>>) => {
    const changes = await inChunks(checked.valid, onProgress, (chunk) => countRosterChanges(db, chunk));
    // A linked row updates the administrator's record rather than adding a member.
    const linked = await adminLinks(db, checked.valid, false);
    const moved = { added: changes.added - linked.length, updated: changes.updated + linked.length };
    return report({ ...changes, ...moved }, checked, false, linked);
  };
  if (input.dryRun || parsed.fileProblem) {
    // Not one transaction: the embedded database has one connection, and a preview of a big file holding
    // it would stall every other request that needs the database. Each chunk is counted on its own, so a
    // roster change made during the preview may show in some chunks only; the apply counts again under
    // its lock and reports what it did (decision 0013).
    return count(deps.db, await checkAgainstLogins(deps.db, parsed, false));
  }
  const now = deps.clock.now();
  const apply = async (tx: Tx, load: RosterLoad) => {
    const checked = await checkAgainstLogins(tx, parsed, true);
    const invalid = checked.problems.length;
    if (invalid > 0 && !input.validRowsOnly) return { result: await count(tx, checked), notices: 0 };
    const linked = await adminLinks(tx, checked.valid, true);
    await applyAdminLinks(tx, now, actor, input.source, linked);
    const changes = await inChunks(checked.valid, onProgress, (chunk) =>
      upsertRosterRows(tx, chunk, now, load),
    );
    await noticeLoginEmailChanges(tx, now, actor, input.source, checked.notices);
    await recordAudit(tx, now, actor, 'roster.imported', {
      details: {
        source: input.source,
        ...changes,
        invalid,
        validRowsOnly: input.validRowsOnly,
        ...(linked.length > 0 ? { linked: linked.length } : {}),
      },
    });
    return { result: report(changes, checked, true, linked), notices: checked.notices.length };
  };
  const { result, notices } = await deps.db.transaction(async (tx) => {
    await serialiseRosterImports(tx);
    // A first load rebuilds the indexes at the end (decision 0027) where the database builds them in its
    // own process; on the embedded one a build would hold the server's thread for seconds.
    const load = await rosterLoadOf(tx, parsed.valid.line.length);
    return deps.db.statementsRunElsewhere && load.firstBulkLoad
      ? withMembersIndexesRebuilt(tx, () => apply(tx, load))
      : apply(tx, load);
  });
  // After the commit: the notices to old addresses are in the queue now.
  if (notices > 0) await deps.jobs.emailDue();
  return result;
}
