import { encodingWords } from '../../../domain/members/decodeRosterFile.ts';
import type { ImportReport, RosterProblem } from '../../../domain/members/importRoster.ts';
import { delimiterWords } from '../../../domain/members/rosterDelimiter.ts';
import type { RosterFileRead } from '../../../domain/members/rosterUploads.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { memberManagementCrumb } from './ImportUploadPage.tsx';
import { LinkedAdmins } from './LinkedAdmins.tsx';

// Enough to see what kind of mistake the file has; the rest are usually more of the same.
export const PROBLEMS_SHOWN = 200;

const invalidRows = (report: ImportReport) => report.problems.length;
const rows = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'row' : 'rows'}`;
const validRows = (report: ImportReport) => report.added + report.updated + report.unchanged;

function Counts({ report }: { report: ImportReport }) {
  const items: [string, number][] = [
    ['To be added', report.added],
    ['To be updated', report.updated],
    ['Unchanged', report.unchanged],
    ['Invalid rows', invalidRows(report)],
  ];
  return (
    <ul class="counts" aria-label="What the import would do">
      {items.map(([label, n]) => (
        <li key={label}>
          <strong>{n.toLocaleString('en-GB')}</strong> {label}
        </li>
      ))}
    </ul>
  );
}

function ProblemTable({ problems }: { problems: RosterProblem[] }) {
  const hidden = problems.length - PROBLEMS_SHOWN;
  return (
    <section aria-labelledby="problems-heading">
      <h2 id="problems-heading">Problems</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {problems.slice(0, PROBLEMS_SHOWN).map((p) => (
            <tr key={p.line}>
              <td>{p.line}</td>
              <td>{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {hidden > 0 && (
        <p>
          The first {PROBLEMS_SHOWN} problems are shown; there are {hidden.toLocaleString('en-GB')} more. The
          command line (<code>gatehouse members import FILE --dry-run</code>) lists them all.
        </p>
      )}
    </section>
  );
}

function ApplyForm({ ctx, uploadId, report }: { ctx: PageContext; uploadId: string; report: ImportReport }) {
  const hasProblems = invalidRows(report) > 0;
  if (validRows(report) === 0) {
    return (
      <p>
        No row of this file can be imported. Fix the file and <a href={paths.import}>upload it again</a>.
      </p>
    );
  }
  return (
    <form method="post" action={`${paths.import}/${uploadId}/apply`}>
      <CsrfField token={ctx.csrfToken} />
      {hasProblems && (
        <div class="field checkbox">
          <input type="checkbox" id="validRowsOnly" name="validRowsOnly" value="yes" />{' '}
          <label for="validRowsOnly">Import valid rows only</label>
          <p class="hint">
            Imports the valid {rows(validRows(report))} and skips the invalid {rows(invalidRows(report))}.
          </p>
        </div>
      )}
      <button type="submit">Apply import</button> <a href={paths.import}>Upload a different file</a>
    </form>
  );
}

/** What was detected, so a file read the wrong way is seen before it is applied. */
function HowRead({ read }: { read: RosterFileRead }) {
  return (
    <section aria-labelledby="read-heading">
      <h2 id="read-heading">How the file was read</h2>
      <dl class="file-read">
        <dt>Encoding</dt>
        <dd>{encodingWords[read.encoding]}</dd>
        <dt>Fields separated by</dt>
        <dd>{delimiterWords[read.delimiter]}</dd>
      </dl>
      <p class="hint">
        Not how the file was saved? Save it from your spreadsheet as "CSV UTF-8" and upload it again.
      </p>
    </section>
  );
}

type Props = {
  ctx: PageContext;
  uploadId: string;
  report: ImportReport;
  /** Unknown for an upload stored before the portal kept it. */
  read: RosterFileRead | null;
  error?: string;
};

/** What an uploaded file would do to the roster, and the button that does it. */
export function ImportPreviewPage({ ctx, uploadId, report, read, error }: Props) {
  const problems = invalidRows(report);
  return (
    <AdminFrame
      ctx={ctx}
      title="Check the import"
      crumbs={[memberManagementCrumb, { href: paths.import, label: 'Import members' }]}
    >
      {error && (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      )}
      <p>The file has {rows(report.totalRows)}. Nothing has changed yet.</p>
      {read && <HowRead read={read} />}
      <Counts report={report} />
      <LinkedAdmins linked={report.linked} />
      {problems > 0 && (
        <div class="warning">
          <p>
            <strong>
              {`${rows(problems)} ${problems === 1 ? 'has a problem' : 'have problems'}. `}
              Nothing will be imported until the file is fixed.
            </strong>
            {validRows(report) > 0 && ' Or tick "Import valid rows only" to import the other rows now.'}
          </p>
        </div>
      )}
      <ApplyForm ctx={ctx} uploadId={uploadId} report={report} />
      {problems > 0 && <ProblemTable problems={report.problems} />}
    </AdminFrame>
  );
}
