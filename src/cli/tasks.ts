import type { App } from '../app.ts';
import { fillDemoPortal } from '../domain/members/fillDemoPortal.ts';
import { importRoster } from '../domain/members/importRoster.ts';
import { systemActor } from '../domain/policy.ts';
import { createAdmin } from '../domain/setup/createAdmin.ts';
import { isAppError, ValidationErrors } from '../errors.ts';
import type { CommandIO } from './io.ts';

/**
 * The commands that need the database, written once: `gatehouse` runs them in its own process, or hands
 * them over the control socket to a server that already has the embedded database open.
 */
export const tasks = {
  async migrate(_app: App, _args: Record<string, never>, io: CommandIO) {
    io.print('Database migrations are up to date.');
    return 0;
  },

  async adminCreate(
    app: App,
    args: {
      username: string;
      email: string;
      firstName: string;
      lastName: string;
      role: 'admin' | 'security_admin';
      password: string;
    },
    io: CommandIO,
  ) {
    const created = await createAdmin(app.deps, systemActor(), args);
    const level = args.role === 'admin' ? 'Administrator' : 'Security Administrator';
    io.print(`Created ${level} login "${created.username}" (member ${created.memberNumber}).`);
    return 0;
  },

  async membersImport(app: App, args: { csv: string; fileName: string; dryRun: boolean }, io: CommandIO) {
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
        : `Imported ${report.totalRows} rows: ${counts}.`,
    );
    return 0;
  },

  async demo(app: App, args: { members: number }, io: CommandIO) {
    const result = await fillDemoPortal(app.deps, systemActor(), args.members, (done, total) =>
      io.progress(done, total, 'members'),
    );
    io.print(`Added ${result.members} fictional members; ${result.logins} of them have a login.`);
    io.print(`Try logging in as "${result.sampleUsername}" with the password "${result.password}".`);
    return 0;
  },
} satisfies Record<string, (app: App, args: never, io: CommandIO) => Promise<number>>;

export type TaskName = keyof typeof tasks;

/** Runs a task, turning expected failures into a message and exit code 1 (the input was refused). */
export async function runTask(app: App, name: TaskName, args: unknown, io: CommandIO): Promise<number> {
  try {
    return await (tasks[name] as (app: App, args: unknown, io: CommandIO) => Promise<number>)(app, args, io);
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
