import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../app.ts';
import { decodeRosterFile } from '../../../domain/members/decodeRosterFile.ts';
import { type ImportReport, importRoster } from '../../../domain/members/importRoster.ts';
import {
  deleteRosterUpload,
  loadRosterUpload,
  saveRosterUpload,
} from '../../../domain/members/rosterUploads.ts';
import { isAppError } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { field, pageContext, sendPage } from '../../render.ts';
import { ImportPreviewPage } from './ImportPreviewPage.tsx';
import { IMPORT_PATH, type ImportResult, ImportUploadPage } from './ImportUploadPage.tsx';
import { receiveRosterUpload, UploadTooLarge } from './receiveUpload.ts';

// The file's own name is not kept: it is the admin's to know, and nothing on the pages needs it.
const UPLOADED_FILE_NAME = 'uploaded file';

type UploadParams = { Params: { uploadId: string } };

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

const count = (value: string | undefined) => Math.max(0, Number.parseInt(value ?? '', 10) || 0);

function resultFrom(query: Record<string, string | undefined>): ImportResult | undefined {
  if (query.added === undefined) return undefined;
  return {
    added: count(query.added),
    updated: count(query.updated),
    unchanged: count(query.unchanged),
    skipped: count(query.skipped),
  };
}

/** Admin > Member Management > Import members: upload a CSV, preview what it would do, apply it. */
export function registerImportRoutes(server: FastifyInstance, app: App): void {
  const access = { config: { access: 'members.import' as const } };
  const uploader = (request: FastifyRequest) => request.signedIn!.accountId;

  const showPreview = (
    request: FastifyRequest,
    reply: FastifyReply,
    uploadId: string,
    report: ImportReport,
    error?: string,
  ) => {
    const ctx = pageContext(app, request, reply);
    const page = <ImportPreviewPage ctx={ctx} uploadId={uploadId} report={report} error={error} />;
    return sendPage(reply, page, error ? 400 : 200);
  };

  server.get<{ Querystring: Record<string, string | undefined> }>(IMPORT_PATH, access, (request, reply) =>
    sendPage(
      reply,
      <ImportUploadPage ctx={pageContext(app, request, reply)} result={resultFrom(request.query)} />,
    ),
  );

  // The form token is checked by receiveRosterUpload, as the first part of the stream (see there).
  const uploadRoute = { config: { access: 'members.import' as const, csrf: 'in-handler' as const } };
  server.post(IMPORT_PATH, uploadRoute, async (request, reply) => {
    try {
      const limit = app.deps.config.uploadLimitBytes;
      let bytes: Buffer;
      try {
        bytes = await receiveRosterUpload(request, limit);
      } catch (e) {
        if (!(e instanceof UploadTooLarge)) throw e;
        const ctx = pageContext(app, request, reply);
        const message = `The file is larger than the limit of ${megabytes(limit)}. Split the roster into smaller files and upload each.`;
        return sendPage(reply, <ImportUploadPage ctx={ctx} errors={{ file: message }} />, 413);
      }
      // Decoded twice (to check it, then to keep it) rather than held as one 99 MB string.
      const uploadId = await saveRosterUpload(app.deps, actorOf(request), {
        fileName: UPLOADED_FILE_NAME,
        text: () => decodeRosterFile(bytes),
      });
      return reply.redirect(`${IMPORT_PATH}/${uploadId}`, 303);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'validation') throw e;
      const ctx = pageContext(app, request, reply);
      return sendPage(reply, <ImportUploadPage ctx={ctx} errors={{ [e.field ?? 'file']: e.message }} />, 400);
    }
  });

  server.get<UploadParams>(`${IMPORT_PATH}/:uploadId`, access, async (request, reply) => {
    const { uploadId } = request.params;
    const upload = await loadRosterUpload(app.deps, uploadId, uploader(request));
    const report = await importRoster(app.deps, actorOf(request), {
      csv: upload.text(),
      source: upload.fileName,
      dryRun: true,
      validRowsOnly: false,
    });
    return showPreview(request, reply, uploadId, report);
  });

  server.post<UploadParams>(`${IMPORT_PATH}/:uploadId/apply`, access, async (request, reply) => {
    const { uploadId } = request.params;
    const upload = await loadRosterUpload(app.deps, uploadId, uploader(request));
    const report = await importRoster(app.deps, actorOf(request), {
      csv: upload.text(),
      source: upload.fileName,
      dryRun: false,
      validRowsOnly: field(request.body, 'validRowsOnly') === 'yes',
    });
    if (!report.applied) {
      // The report of a refused import is the preview itself: the same counts, nothing written.
      return showPreview(
        request,
        reply,
        uploadId,
        report,
        'Nothing was imported: some rows have problems. Fix the file and upload it again, or tick "Import valid rows only".',
      );
    }
    await deleteRosterUpload(app.deps, uploadId);
    const result = new URLSearchParams({
      added: String(report.added),
      updated: String(report.updated),
      unchanged: String(report.unchanged),
      skipped: String(report.problems.length),
    });
    return reply.redirect(`${IMPORT_PATH}?${result}`, 303);
  });
}
