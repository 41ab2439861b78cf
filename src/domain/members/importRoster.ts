import type { Deps } from '../deps.ts';
import type { Actor } from '../policy.ts';

export type RosterProblem = { line: number; message: string };

export type ImportReport = {
  /** Data rows read (header and blank lines excluded). */
  totalRows: number;
  added: number;
  updated: number;
  unchanged: number;
  problems: RosterProblem[];
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

/** Upserts the roster by member number. (Being written: see the import work item.) */
export async function importRoster(
  _deps: Deps,
  _actor: Actor,
  _input: ImportInput,
  _onProgress?: (done: number, total: number) => void,
): Promise<ImportReport> {
  throw new Error('importRoster is not implemented yet');
}
