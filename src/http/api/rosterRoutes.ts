import type { FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { decodeRosterFile, detectRosterEncoding } from '../../domain/members/decodeRosterFile.ts';
import { type ImportReport, importRoster, type RosterProblem } from '../../domain/members/importRoster.ts';
import { type RosterEntries, type RowNumbering, rowNumberingOf } from '../../domain/members/rosterEntries.ts';
import { rosterJsonMember } from '../../domain/members/rosterJson.ts';
import { readSyncMember } from '../../domain/members/syncMember.ts';
import { AppError, ValidationErrors } from '../../errors.ts';
import { callerOf } from './apiAuth.ts';
import { apiError } from './apiSchemas.ts';
import { apiMember, toApiMember } from './memberRoutes.ts';

const yes = (description: string) =>
  z
    .enum(['true', 'false'])
    .default('false')
    .describe(description)
    .transform((value) => value === 'true');

const importQuery = z.object({
  dry_run: yes('`true`: check and count only, change nothing.'),
  valid_rows_only: yes('`true`: apply the valid rows even when other rows have problems.'),
});

const rosterJsonBody = z.object({ members: z.array(rosterJsonMember) });

// Documented as either body; a CSV arrives as bytes (the text/csv parser below), which bypass the schema.
const importBody = z.union([
  rosterJsonBody,
  z.instanceof(Buffer).meta({
    type: 'string',
    description: 'A roster CSV (text/csv), as the import page takes it: header row, UTF-8 or Windows-1252.',
  }),
]);

const apiProblem = z.object({
  line: z.number().int().optional().describe('CSV: the file line (the header is line 1).'),
  index: z.number().int().optional().describe('JSON: the index into `members`.'),
  field: z.string().optional().describe('The column or field at fault, when one is.'),
  message: z.string(),
});

const importReport = z
  .object({
    added: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    problems: z.array(apiProblem),
    applied: z.boolean().describe('Whether anything was written (false for a dry run or a refused import).'),
  })
  .meta({ id: 'ImportReport' });

/** A problem's reasons one by one; a file problem or an administrator's email is one reason. */
const reasonsOf = (report: ImportReport, p: RosterProblem): { field?: string; message: string }[] =>
  (p !== report.fileProblem && report.reasons.get(p.line)) || [{ field: p.field, message: p.message }];

/** One problem per reason, numbered as the source numbers its rows. */
function apiProblemsOf(report: ImportReport, numbering: RowNumbering): z.infer<typeof apiProblem>[] {
  return report.problems.flatMap((p) =>
    reasonsOf(report, p).map((r) => ({
      ...(numbering === 'line' ? { line: p.line } : { index: p.line }),
      ...(r.field ? { field: r.field } : {}),
      message: r.message,
    })),
  );
}

/** JSON bodies meet the schema; CSV bytes are the import's to check, line by line. */
function importBodyValidator<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  const compile = (schema: z.ZodType) => validatorCompiler({ ...route, schema });
  if (route.httpPart !== 'body') return compile(route.schema as z.ZodType);
  const json = compile(rosterJsonBody);
  return (data) => (Buffer.isBuffer(data) ? { value: data } : json(data));
}

/** A CSV body decoded as an upload is (UTF-8 with or without a BOM, else Windows-1252), piece by piece. */
async function entriesOf(body: Buffer | z.infer<typeof rosterJsonBody>): Promise<RosterEntries> {
  if (!Buffer.isBuffer(body)) return { members: body.members };
  return { csv: decodeRosterFile(body, await detectRosterEncoding(body)) };
}

/**
 * `POST /api/v1/roster/import`: the roster import of the upload page and the command line, for a sync
 * script. While rows have problems nothing is applied (unless `valid_rows_only`), and the answer is 422
 * with the report, so a script that checks only the status cannot miss it; a dry run answers as the real
 * run would. Bodies up to UPLOAD_LIMIT_MB, like the upload (413 beyond).
 */
function registerRosterImport(api: FastifyInstance, app: App): void {
  api.withTypeProvider<ZodTypeProvider>().post(
    '/roster/import',
    {
      config: { access: 'api', apiScope: 'roster:write' },
      bodyLimit: app.deps.config.uploadLimitBytes,
      validatorCompiler: importBodyValidator,
      schema: {
        tags: ['Roster'],
        summary: 'Import a roster: upsert members by member number from a CSV or a JSON list',
        consumes: ['application/json', 'text/csv'],
        querystring: importQuery,
        body: importBody,
        response: {
          200: importReport,
          413: apiError.describe('The body is larger than UPLOAD_LIMIT_MB.'),
          415: apiError.describe('Send application/json or text/csv.'),
          422: importReport
            .extend({ error: apiError.shape.error })
            .describe(
              'Rows have problems: nothing was applied (send `valid_rows_only=true` to apply the others).',
            ),
        },
      },
    },
    async (request, reply) => {
      const entries = await entriesOf(request.body as Buffer | z.infer<typeof rosterJsonBody>);
      const caller = callerOf(request);
      const { dry_run: dryRun, valid_rows_only: validRowsOnly } = request.query;
      const source = `API import (${'csv' in entries ? 'CSV' : 'JSON'})`;
      const report = await importRoster(app.deps, caller.actor, {
        ...entries,
        source,
        dryRun,
        validRowsOnly,
      });
      const body = {
        added: report.added,
        updated: report.updated,
        unchanged: report.unchanged,
        problems: apiProblemsOf(report, rowNumberingOf(entries)),
        applied: report.applied,
      };
      const refused = report.problems.length > 0 && (!validRowsOnly || report.fileProblem !== null);
      if (!refused) return reply.status(200).send(body);
      const message = `Nothing was imported: ${body.problems.length} problem${body.problems.length === 1 ? '' : 's'} (see problems).`;
      return reply.status(422).send({ ...body, error: { code: 'unprocessable', message } });
    },
  );
}

const memberParams = z.object({ member_number: z.string() });
const memberBody = rosterJsonMember.omit({ member_number: true });

/** A one-row import refused: the administrator's-email rule as a conflict, a row rule as a field error. */
function refusalOf(report: ImportReport): AppError | null {
  const [problem] = report.problems;
  if (!problem) return null;
  if (report.conflicts.has(problem.line)) return new AppError('conflict', problem.message, problem.field);
  const reasons = reasonsOf(report, problem);
  return new ValidationErrors(Object.fromEntries(reasons.map((r) => [r.field ?? 'member', r.message])));
}

/**
 * `PUT /api/v1/members/{member_number}`: one member's roster record, created or updated by the roster
 * import itself (a one-row import), so every rule of an import holds, the protection of administrators'
 * addresses, the audit and the notice to a login's old address included.
 */
function registerUpsertMember(api: FastifyInstance, app: App): void {
  api.withTypeProvider<ZodTypeProvider>().put(
    '/members/:member_number',
    {
      config: { access: 'api', apiScope: 'roster:write' },
      schema: {
        tags: ['Members'],
        summary: 'Create or update one member (the rules of a roster import)',
        params: memberParams,
        body: memberBody,
        response: {
          200: apiMember.describe('Updated, or already so: the member as `GET` shows them.'),
          201: apiMember.describe('Created: the member as `GET` shows them.'),
          413: apiError.describe('The body is larger than a form may be (FORM_LIMIT_KB).'),
          415: apiError.describe('Send application/json.'),
          409: apiError.describe(
            "The change would move an administrator's email: change it on their profile.",
          ),
        },
      },
    },
    async (request, reply) => {
      const member = { ...request.body, member_number: request.params.member_number };
      const caller = callerOf(request);
      const report = await importRoster(app.deps, caller.actor, {
        members: [member],
        source: `API PUT member ${member.member_number}`,
        dryRun: false,
        validRowsOnly: false,
      });
      const refusal = refusalOf(report);
      if (refusal) throw refusal;
      const saved = await readSyncMember(app.deps, caller.actor, member.member_number.trim());
      return reply.status(report.added === 1 ? 201 : 200).send(toApiMember(saved));
    },
  );
}

/**
 * The roster routes. The import's body parsers are set in a scope of its own: JSON and text/csv only,
 * while every other API route still refuses a CSV body with 415.
 */
export function registerRosterRoutes(api: FastifyInstance, app: App): void {
  registerUpsertMember(api, app);
  api.register(async (scope) => {
    // A roster in any other form (plain text, a form's fields) is refused with 415 rather than misread.
    scope.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    registerRosterImport(scope, app);
  });
}
