import type { Tx } from '../../db/connect.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { adminEmailProblem, loginEmailChanges, withoutLines } from './loginEmailChanges.ts';
import { noticeLoginEmailChanges } from './noticeLoginEmailChanges.ts';
import {
  type ParsedRoster,
  parseRosterCsv,
  type RosterColumns,
  type RosterProblem,
} from './parseRosterCsv.ts';
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
      line: rows.line.slice(start, end),
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
 * changes of other logins are returned so they can be audited and announced.
 */
async function checkAgainstLogins(tx: Tx, parsed: ParsedRoster, lock: boolean) {
  const changes = await loginEmailChanges(tx, parsed.valid, lock);
  const refused = changes.filter((c) => c.role !== 'member');
  return {
    problems: mergeProblems(parsed, refused.map(adminEmailProblem)),
    valid: withoutLines(parsed.valid, new Set(refused.map((c) => c.line))),
    notices: changes.filter((c) => c.role === 'member'),
  };
}

/**
 * Upserts the roster by member number from a CSV file (CONTRACT.md, "Roster CSV"). Every row is checked
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
  const parsed = parseRosterCsv(input.csv);
  const report = (changes: RosterChanges, problems: RosterProblem[], applied: boolean): ImportReport => ({
    totalRows: parsed.totalRows,
    ...changes,
    problems,
    fileProblem: parsed.fileProblem,
    applied,
  });
  const count = async (tx: Tx, checked: Awaited<ReturnType<typeof checkAgainstLogins>>) =>
    report(
      await inChunks(checked.valid, onProgress, (chunk) => countRosterChanges(tx, chunk)),
      checked.problems,
      false,
    );
  if (input.dryRun || parsed.fileProblem) {
    // Repeatable read: every chunk sees the same snapshot, so the counts add up while others write.
    return deps.db.transaction(async (tx) => count(tx, await checkAgainstLogins(tx, parsed, false)), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    });
  }
  const now = deps.clock.now();
  const { result, notices } = await deps.db.transaction(async (tx) => {
    await serialiseRosterImports(tx);
    const checked = await checkAgainstLogins(tx, parsed, true);
    const invalid = checked.problems.length;
    if (invalid > 0 && !input.validRowsOnly) return { result: await count(tx, checked), notices: 0 };
    const changes = await inChunks(checked.valid, onProgress, (chunk) => upsertRosterRows(tx, chunk, now));
    await noticeLoginEmailChanges(tx, now, actor, input.source, checked.notices);
    await recordAudit(tx, now, actor, 'roster.imported', {
      details: { source: input.source, ...changes, invalid, validRowsOnly: input.validRowsOnly },
    });
    return { result: report(changes, checked.problems, true), notices: checked.notices.length };
  });
  // After the commit: the notices to old addresses are in the queue now.
  if (notices > 0) await deps.jobs.emailDue();
  return result;
}
