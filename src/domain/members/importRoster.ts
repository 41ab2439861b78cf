import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { parseRosterCsv, type RosterColumns, type RosterProblem } from './parseRosterCsv.ts';
import {
  countRosterChanges,
  type RosterChanges,
  serialiseRosterImports,
  upsertRosterRows,
} from './upsertRoster.ts';

export type { RosterProblem } from './parseRosterCsv.ts';

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
};

export type ImportInput = {
  csv: string;
  /** File name, for the audit event. */
  source: string;
  dryRun: boolean;
  /** Apply the valid rows even when some rows are invalid. */
  validRowsOnly: boolean;
};

// Big enough that per-statement overhead vanishes, small enough for steady progress on 100k-row files.
const CHUNK_ROWS = 10_000;

function* chunks(rows: RosterColumns): Generator<RosterColumns> {
  for (let start = 0; start < rows.memberNumber.length; start += CHUNK_ROWS) {
    const end = start + CHUNK_ROWS;
    yield {
      memberNumber: rows.memberNumber.slice(start, end),
      firstName: rows.firstName.slice(start, end),
      lastName: rows.lastName.slice(start, end),
      email: rows.email.slice(start, end),
      emailLower: rows.emailLower.slice(start, end),
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
  }
  return sum;
}

/**
 * Upserts the roster by member number from a CSV file (CONTRACT.md, "Roster CSV"). Every row is checked
 * first; unless told to skip invalid rows, one invalid row means nothing is written. Counts always
 * describe the valid rows. The write, and its audit event, is one transaction: all of it or none.
 */
export async function importRoster(
  deps: Deps,
  actor: Actor,
  input: ImportInput,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportReport> {
  requirePermission(actor, 'members.import');
  const parsed = parseRosterCsv(input.csv);
  const invalid = parsed.problems.length - (parsed.fileProblem ? 1 : 0);
  const apply = !input.dryRun && !parsed.fileProblem && (invalid === 0 || input.validRowsOnly);
  const report = (changes: RosterChanges, applied: boolean): ImportReport => ({
    totalRows: parsed.totalRows,
    ...changes,
    problems: parsed.problems,
    fileProblem: parsed.fileProblem,
    applied,
  });
  if (!apply) {
    // Repeatable read: every chunk sees the same snapshot, so the counts add up while others write.
    const changes = await deps.db.transaction(
      (tx) => inChunks(parsed.valid, onProgress, (chunk) => countRosterChanges(tx, chunk)),
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    return report(changes, false);
  }
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await serialiseRosterImports(tx);
    const changes = await inChunks(parsed.valid, onProgress, (chunk) => upsertRosterRows(tx, chunk, now));
    await recordAudit(tx, now, actor, 'roster.imported', {
      details: { source: input.source, ...changes, invalid, validRowsOnly: input.validRowsOnly },
    });
    return report(changes, true);
  });
}
