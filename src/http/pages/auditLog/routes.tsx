import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { auditCsvChunks } from '../../../domain/audit/auditCsv.ts';
import {
  type AuditLogPosition,
  auditLogBatches,
  listAuditLog,
  parseAuditLogFilter,
} from '../../../domain/audit/auditLog.ts';
import { isAppError, ValidationErrors } from '../../../errors.ts';
import { actorOf } from '../../access.ts';
import { pageContext, sendPage } from '../../render.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import { AuditLogPage, type AuditLogValues } from './AuditLogPage.tsx';
import { AUDIT_LOG_CSV_PATH, AUDIT_LOG_PATH } from './words.ts';

type Raw = Record<string, unknown>;

const FORM_FIELDS = new Set(['actor', 'member', 'action', 'from', 'to']);

const text = (raw: Raw, name: string): string => {
  const v = raw[name];
  return typeof v === 'string' ? v : '';
};

/** The form shows what was asked for, even a value that was refused, so it can be corrected. */
const valuesOf = (raw: Raw): AuditLogValues => ({
  actor: text(raw, 'actor'),
  member: text(raw, 'member'),
  action: text(raw, 'action'),
  from: text(raw, 'from'),
  to: text(raw, 'to'),
});

function readPosition(raw: Raw): AuditLogPosition | undefined {
  const newer = text(raw, 'newer');
  const older = text(raw, 'older');
  if (newer) return { direction: 'newer', cursor: newer };
  if (older) return { direction: 'older', cursor: older };
  return undefined;
}

function fieldErrorsOf(error: unknown): FieldErrors | null {
  if (!isAppError(error) || error.code !== 'validation') return null;
  const fields =
    error instanceof ValidationErrors ? error.fields : { [error.field ?? '_form']: error.message };
  return Object.fromEntries(
    Object.entries(fields).map(([field, message]) => [FORM_FIELDS.has(field) ? field : '_form', message]),
  );
}

/** Admin › Audit Log: who did what to whom, and when; with a CSV export of the same search. */
export function registerAuditLogRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: Raw }>(
    AUDIT_LOG_PATH,
    { config: { access: 'audit.read' } },
    async (request, reply) => {
      const raw = request.query ?? {};
      const ctx = pageContext(app, request, reply);
      const values = valuesOf(raw);
      try {
        const filter = parseAuditLogFilter(raw);
        const page = await listAuditLog(app.deps, actorOf(request), filter, readPosition(raw));
        return sendPage(reply, <AuditLogPage ctx={ctx} values={values} result={{ filter, page }} />);
      } catch (error) {
        const errors = fieldErrorsOf(error);
        if (!errors) throw error;
        return sendPage(reply, <AuditLogPage ctx={ctx} values={values} errors={errors} />, 400);
      }
    },
  );

  server.get<{ Querystring: Raw }>(
    AUDIT_LOG_CSV_PATH,
    { config: { access: 'audit.read' } },
    async (request, reply) => {
      // Checked before the first byte is sent, so a bad filter is a 400 page rather than a broken file.
      const filter = parseAuditLogFilter(request.query ?? {});
      const batches = auditLogBatches(app.deps, actorOf(request), filter);
      const day = app.deps.clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-log-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(auditCsvChunks(batches)));
    },
  );
}
