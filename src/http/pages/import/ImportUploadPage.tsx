import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField, ErrorSummary, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

export const memberManagementCrumb = { href: paths.memberManagement, label: 'Member Management' };

export type ImportResult = { added: number; updated: number; unchanged: number; skipped: number };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function resultSentence(r: ImportResult): string {
  const skipped = r.skipped > 0 ? `; ${plural(r.skipped, 'invalid row')} skipped` : '';
  return `Imported: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged${skipped}.`;
}

const COLUMNS: [string, string][] = [
  ['member_number', 'Required. Identifies the member: rows are matched to the roster by it. No spaces.'],
  ['first_name', 'Required.'],
  ['last_name', 'Required.'],
  ['email', 'Required. Several members may share one address.'],
  ['status', 'Optional: current or lapsed. Empty or missing means current.'],
];

const EXAMPLE = `member_number,first_name,last_name,email,status
1001,Ada,Lovelace,ada@example.org,current
1002,Grace,"Hopper, Jr.",grace@example.org,lapsed
1003,Alan,Turing,family@example.org,`;

function CsvFormat() {
  return (
    <section class="card" aria-labelledby="format-heading">
      <h2 id="format-heading">The file</h2>
      <p>
        A CSV file whose first row names the columns. Names are not case-sensitive and may come in any order;
        other columns are ignored. Fields may be separated by commas, semicolons or tabs, and the file may be
        UTF-8 or Windows-1252 (Excel's plain "CSV"): the preview says how the file was read.
      </p>
      <table>
        <caption class="muted">Columns</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">What goes in it</th>
          </tr>
        </thead>
        <tbody>
          {COLUMNS.map(([name, about]) => (
            <tr key={name}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td>{about}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Example:</p>
      <pre>
        <code>{EXAMPLE}</code>
      </pre>
      <p>
        New member numbers are added and changed members updated. Members missing from the file stay as they
        are. You see what will change before anything does.
      </p>
    </section>
  );
}

type Props = { ctx: PageContext; errors?: FieldErrors; result?: ImportResult };

/** Admin › Member Management › Import members: choose the CSV file. */
export function ImportUploadPage({ ctx, errors, result }: Props) {
  const error = errors?.file;
  const describedBy = ['file-hint', error && 'file-error'].filter(Boolean).join(' ');
  return (
    <AdminFrame ctx={ctx} title="Import members" crumbs={[memberManagementCrumb]}>
      {result && <Notice>{resultSentence(result)}</Notice>}
      <ErrorSummary errors={errors} />
      <section class="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload the roster</h2>
        <form method="post" action={paths.import} enctype="multipart/form-data" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <div class={`field${error ? ' field-error' : ''}`}>
            <label for="file">Roster file (CSV)</label>
            <p class="hint" id="file-hint">
              Nothing changes yet: the next page shows what the import would do.
            </p>
            {error && (
              <p class="error" id="file-error">
                {error}
              </p>
            )}
            <input
              id="file"
              name="file"
              type="file"
              accept=".csv,text/csv"
              required
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={describedBy}
            />
          </div>
          <button type="submit">Preview import</button>
        </form>
      </section>
      <CsvFormat />
    </AdminFrame>
  );
}
