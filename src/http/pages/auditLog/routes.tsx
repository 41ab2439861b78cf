import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';
import { auditCsvChunks } from '../../../domain/audit/auditCsv.ts';
import {
  type AuditLogQuery,
  auditLogBatches,
  auditLogQuery,
  listAuditLog,
  parseAuditLogFilter,
} from '../../../domain/audit/auditLog.ts';
import { actorOf } from '../../access.ts';
import { sendCsvDownload } from '../../csvDownload.ts';
import { type Refusal, typedValues } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths } from '../../paths.ts';
import { AuditLogPage } from './AuditLogPage.tsx';
import { wordsForAction } from './words.ts';

const access = 'audit.read';
const fields = ['actor', 'member', 'action', 'from', 'to'];

/**
 * The log for a search; after a refusal (a filter, an edited page link), the errors and no events. The
 * form shows what was asked for, even a refused value, so it can be corrected.
 */
async function view(r: Req<unknown>, shown: { query?: AuditLogQuery; refused?: Refusal }) {
  const typed = shown.refused?.values ?? typedValues(r.request.query);
  const values = { actor: '', member: '', action: '', from: '', to: '', ...typed };
  const { query } = shown;
  const result = query && {
    filter: query.filter,
    page: await listAuditLog(r.deps, r.actor, query.filter, query.position),
  };
  return <AuditLogPage ctx={r.ctx()} values={values} result={result} errors={shown.refused?.errors} />;
}

/** Admin › Audit Log: who did what to whom, and when; with a CSV export of the same search. */
export function registerAuditLogRoutes(server: FastifyInstance, app: App): void {
  const { page } = routeKit(server, app);

  page({ path: paths.auditLog, access, query: auditLogQuery, fields, view });

  // A download, not a page: checked before the first byte is sent, so a bad filter is a 400 page rather
  // than a broken file; then the whole search, batch after batch.
  server.get(paths.auditLogCsv, { config: { access } }, async (request, reply) => {
    const filter = parseAuditLogFilter((request.query ?? {}) as Record<string, unknown>);
    const batches = auditLogBatches(app.deps, actorOf(request), filter);
    const day = app.deps.clock.now().toISOString().slice(0, 10);
    return sendCsvDownload(reply, `audit-log-${day}.csv`, auditCsvChunks(batches, wordsForAction));
  });
}
