import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { decodeRosterFile, detectRosterEncoding } from '../../../domain/members/decodeRosterFile.ts';
import { type ImportReport, importApplyInput, importRoster } from '../../../domain/members/importRoster.ts';
import {
  deleteRosterUpload,
  loadRosterUpload,
  type RosterFileRead,
  saveRosterUpload,
} from '../../../domain/members/rosterUploads.ts';
import { ValidationErrors } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { refusalOf } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { pageContext, sendPage } from '../../render.ts';
import { ImportPreviewPage } from './ImportPreviewPage.tsx';
import { type ImportResult, ImportUploadPage } from './ImportUploadPage.tsx';
import { receiveRosterUpload, UploadTooLarge } from './receiveUpload.ts';
import { UploadTooLargePage } from './UploadTooLargePage.tsx';

// The file's own name is not kept: it is the admin's to know, and nothing on the pages needs it.
const UPLOADED_FILE_NAME = 'uploaded file';

const NOT_APPLIED =
  'Nothing was imported: some rows have problems. Fix the file and upload it again, or tick "Import valid rows only".';

type Upload = { uploadId: string };
const params = z.object({ uploadId: z.string() });

// The counts of an applied import, carried to the upload page in its address.
const counted = z.string().optional();
const query = z.object({ added: counted, updated: counted, unchanged: counted, skipped: counted });

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const count = (value: string | undefined) => Math.max(0, Number.parseInt(value ?? '', 10) || 0);

function resultFrom(shown: z.infer<typeof query> = {}): ImportResult | undefined {
  if (shown.added === undefined) return undefined;
  return {
    added: count(shown.added),
    updated: count(shown.updated),
    unchanged: count(shown.unchanged),
    skipped: count(shown.skipped),
  };
}

const uploaderOf = (request: FastifyRequest) => request.signedIn!.accountId;

/** The uploaded file, run through the import as given (a dry run is the preview), and how it was read. */
async function runImport(r: Req<Upload>, run: { dryRun: boolean; validRowsOnly: boolean }) {
  const upload = await loadRosterUpload(r.deps, r.params.uploadId, uploaderOf(r.request));
  const csv = upload.text();
  const report = await importRoster(r.deps, r.actor, { csv, source: upload.fileName, ...run });
  fileReads.set(r.request, upload.read);
  return report;
}

// How the file was read, for the preview (and a refused Apply's preview) of this request to say.
const fileReads = new WeakMap<FastifyRequest, RosterFileRead | null>();

// A refused Apply shows its own report (the preview's counts, nothing written), not a second dry run.
const refusedReports = new WeakMap<FastifyRequest, ImportReport>();

/** Apply: imports the upload, or refuses when rows have problems and "valid rows only" is not ticked. */
async function applyUpload(r: Req<Upload>, input: z.infer<typeof importApplyInput>) {
  const report = await runImport(r, { dryRun: false, validRowsOnly: input.validRowsOnly });
  if (!report.applied) {
    refusedReports.set(r.request, report);
    throw new ValidationErrors({ _form: NOT_APPLIED });
  }
  await deleteRosterUpload(r.deps, r.params.uploadId);
  return report;
}

const preview = (r: Req<Upload>, report: ImportReport, error?: string) => (
  <ImportPreviewPage
    ctx={r.ctx()}
    uploadId={r.params.uploadId}
    report={report}
    read={fileReads.get(r.request) ?? null}
    error={error}
  />
);

/** Admin > Member Management > Import members: upload a CSV, preview what it would do, apply it. */
export function registerImportRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'members.import';

  page({
    path: paths.import,
    access,
    query,
    view: (r, shown) => <ImportUploadPage ctx={r.ctx()} result={resultFrom(shown.query)} />,
  });

  registerUpload(server, app);

  page({
    path: paths.importUpload(':uploadId'),
    access,
    params,
    view: async (r) => preview(r, await runImport(r, { dryRun: true, validRowsOnly: false })),
  });

  form({
    path: paths.importApply(':uploadId'),
    access,
    params,
    fields: [],
    body: importApplyInput,
    run: applyUpload,
    done: (_r, report) =>
      withQuery(paths.import, {
        added: String(report.added),
        updated: String(report.updated),
        unchanged: String(report.unchanged),
        skipped: String(report.problems.length),
      }),
    view: (r, refused) => preview(r, refusedReports.get(r.request)!, refused.errors._form),
  });
}

/**
 * The upload itself. A plain route, not a kit form: the body is a multipart stream whose first part is
 * the CSRF token (config csrf: 'in-handler'), read before a byte of the file, within the upload limit.
 */
function registerUpload(server: FastifyInstance, app: App): void {
  const uploadRoute = { config: { access: 'members.import' as const, csrf: 'in-handler' as const } };
  server.post(paths.import, uploadRoute, async (request, reply) => {
    const ctx = () => pageContext(app, request, reply);
    const refuse = (errors: Record<string, string>, status: number) =>
      sendPage(app, reply, <ImportUploadPage ctx={ctx()} errors={errors} />, status);
    try {
      const limit = app.deps.config.uploadLimitBytes;
      let bytes: Buffer;
      try {
        bytes = await receiveRosterUpload(request, limit);
      } catch (e) {
        if (!(e instanceof UploadTooLarge)) throw e;
        return sendPage(app, reply, <UploadTooLargePage ctx={ctx()} limit={megabytes(limit)} />, 413);
      }
      const encoding = await detectRosterEncoding(bytes);
      // Decoded twice (to check it, then to keep it) rather than held as one 99 MB string.
      const uploadId = await saveRosterUpload(app.deps, actorOf(request), {
        fileName: UPLOADED_FILE_NAME,
        encoding,
        text: () => decodeRosterFile(bytes, encoding),
      });
      return reply.redirect(paths.importUpload(uploadId), 303);
    } catch (e) {
      const refusal = refusalOf(e, undefined, ['file']);
      if (!refusal) throw e;
      return refuse(refusal.errors, refusal.status);
    }
  });
}
