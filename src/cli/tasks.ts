import path from 'node:path';
import { z } from 'zod';
import type { App } from '../app.ts';
import { fillDemoPortal } from '../domain/members/fillDemoPortal.ts';
import { importRoster } from '../domain/members/importRoster.ts';
import { systemActor } from '../domain/policy.ts';
import { createAdmin, createAdminInput } from '../domain/setup/createAdmin.ts';
import { resetSecondStepByUsername } from '../domain/twoStep/resetSecondStep.ts';
import { isAppError, ValidationErrors } from '../errors.ts';
import { apiTokenTasks } from './apiTokenTasks.ts';
import { backUpTo } from './backupFile.ts';
import type { CommandIO } from './io.ts';

/** A task: the shape of its arguments (what the command line builds from its options) and how it runs. */
type Task<S extends z.ZodType> = { args: S; run(app: App, args: z.infer<S>, io: CommandIO): Promise<number> };
const task = <S extends z.ZodType>(args: S, run: Task<S>['run']): Task<S> => ({ args, run });

/**
 * The commands that need the database, written once: `gatehouse` runs them in its own process, or hands
 * them over the control socket to a server that already has the embedded database open. Arguments are
 * checked against the same schema either way, before anything runs: whatever reaches the socket is input.
 */
const definitions = {
  migrate: task(z.strictObject({}), async (_app, _args, io) => {
    io.print('Database migrations are up to date.');
    return 0;
  }),

  adminCreate: task(createAdminInput, async (app, args, io) => {
    const created = await createAdmin(app.deps, systemActor(), args);
    const level = args.role === 'admin' ? 'Administrator' : 'Security Administrator';
    io.print(`Created ${level} login "${created.username}" (member ${created.memberNumber}).`);
    return 0;
  }),

  // A lost device of the last Security Administrator: the operator removes her second step.
  adminResetSecondStep: task(z.strictObject({ username: z.string().max(200) }), async (app, args, io) => {
    const { username } = await resetSecondStepByUsername(app.deps, systemActor(), args);
    io.print(
      `Removed the second step of "${username}". At the next sign-in the password alone lets them in,`,
    );
    io.print('and a Security Administrator sets up a new second step before anything else.');
    return 0;
  }),

  membersImport: task(
    z.strictObject({ csv: z.string(), fileName: z.string().max(255), dryRun: z.boolean() }),
    async (app, args, io) => {
      const report = await importRoster(
        app.deps,
        systemActor(),
        { csv: args.csv, source: args.fileName, dryRun: args.dryRun, validRowsOnly: false },
        (done, total) => io.progress(done, total, 'rows'),
      );
      for (const p of report.problems) io.print(`${args.fileName}:${p.line}: ${p.message}`);
      if (report.fileProblem) {
        io.print('Nothing was imported: the file itself could not be read as a roster (see above).');
        return 1;
      }
      const invalid = report.problems.length;
      const counts = `${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${invalid} invalid`;
      if (invalid > 0) {
        io.print(
          `Nothing was imported: ${invalid} invalid row${invalid === 1 ? '' : 's'}. Fix them and run the import again.`,
        );
        io.print(`(${counts} if the file were valid.)`);
        return 1;
      }
      io.print(
        args.dryRun
          ? `Dry run, nothing changed: would be ${counts}.`
          : `Imported ${report.totalRows} row${report.totalRows === 1 ? '' : 's'}: ${counts}.`,
      );
      return 0;
    },
  ),

  // Handed to the server holding the embedded database, so the copy is taken between its transactions.
  backup: task(
    z.strictObject({
      file: z
        .string()
        .min(1)
        .refine((f) => path.isAbsolute(f), 'must be an absolute path'),
      force: z.boolean(),
    }),
    (app, args, io) => backUpTo(app.database, app.deps.config.dataDir, args, io),
  ),

  demo: task(z.strictObject({ members: z.number().int().min(1) }), async (app, args, io) => {
    const result = await fillDemoPortal(app.deps, systemActor(), args.members, (done, total) =>
      io.progress(done, total, 'members'),
    );
    io.print(`Added ${result.members} fictional members; ${result.logins} of them have a login.`);
    io.print(`Try logging in as "${result.sampleUsername}" with the password "${result.password}".`);
    return 0;
  }),

  ...apiTokenTasks,
};

export type TaskName = keyof typeof definitions;
export type TaskArgs<N extends TaskName> = z.infer<(typeof definitions)[N]['args']>;

// A Map, not the object: a name from the socket such as "valueOf" or "__proto__" must find nothing.
const taskTable = new Map<string, Task<z.ZodType>>(
  Object.entries(definitions) as [string, Task<z.ZodType>][],
);

const describeIssues = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');

/**
 * Runs a task. A request that names no task or carries arguments outside the task's schema is refused
 * with exit code 2 (a usage error) before anything runs; expected failures of the task itself become a
 * message and exit code 1 (the input was refused).
 */
export async function runTask(app: App, name: unknown, args: unknown, io: CommandIO): Promise<number> {
  const found = typeof name === 'string' ? taskTable.get(name) : undefined;
  if (!found) {
    io.print(`error: unknown task ${JSON.stringify(name) ?? 'undefined'}`);
    return 2;
  }
  const parsed = found.args.safeParse(args);
  if (!parsed.success) {
    io.print(`error: invalid arguments for ${name}: ${describeIssues(parsed.error)}`);
    return 2;
  }
  try {
    return await found.run(app, parsed.data, io);
  } catch (e) {
    if (e instanceof ValidationErrors) {
      for (const [fieldName, message] of Object.entries(e.fields))
        io.print(`error: ${fieldName}: ${message}`);
      return 1;
    }
    if (isAppError(e)) {
      io.print(`error: ${e.field ? `${e.field}: ` : ''}${e.message}`);
      return e.code === 'unavailable' ? 2 : 1;
    }
    throw e;
  }
}
