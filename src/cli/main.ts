import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { isDatabaseUnreachable } from '../db/pgErrors.ts';
import { decodeRosterBytes } from '../domain/members/decodeRosterFile.ts';
import { isAppError } from '../errors.ts';
import { withoutStatementValues } from '../logging.ts';
import { addApiTokenCommands } from './apiTokenCommands.ts';
import { backupCommand } from './backup.ts';
import { runSomewhere } from './runSomewhere.ts';
import { readPassword } from './terminal.ts';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};

/**
 * `serve` and `worker` load the web server and the worker only when they run, `restore` the database: the
 * other commands (most of them handed to the running server in a moment) start without loading either.
 */
async function startServing(parts: { web: boolean; worker: boolean }) {
  const config = loadConfig();
  const { serve } = await import('./serve.ts');
  await serve(config, parts);
}

const program = new Command('gatehouse')
  .description('Gatehouse member portal')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('serve')
  .description('run the web server (and, unless --no-worker, the background worker)')
  .option('--no-worker', 'do not run the background worker in this process')
  .action((opts: { worker: boolean }) => startServing({ web: true, worker: opts.worker }));

program
  .command('worker')
  .description('run the background worker only')
  .action(() => startServing({ web: false, worker: true }));

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(() => runSomewhere(loadConfig(), 'migrate', {}));

const admin = program.command('admin').description('administrator logins');
admin
  .command('create')
  .description('create an administrator login (password from GATEHOUSE_PASSWORD, else prompted)')
  .requiredOption('--username <username>')
  .requiredOption('--email <email>')
  .requiredOption('--first-name <name>')
  .requiredOption('--last-name <name>')
  .addOption(
    new Option('--role <role>', 'access level')
      .choices(['security-admin', 'admin'])
      .default('security-admin'),
  )
  .action(
    async (opts: { username: string; email: string; firstName: string; lastName: string; role: string }) => {
      const config = loadConfig();
      const password = await readPassword('Password for the new login: ');
      const role = opts.role === 'admin' ? 'admin' : 'security_admin';
      await runSomewhere(config, 'adminCreate', { ...opts, role, password });
    },
  );

admin
  .command('reset-second-step')
  .description('remove the second step (authenticator app, passkeys) of a login whose device is lost')
  .requiredOption('--username <username>')
  .action((opts: { username: string }) =>
    runSomewhere(loadConfig(), 'adminResetSecondStep', { username: opts.username }),
  );

const membersCmd = program.command('members').description('the roster');
membersCmd
  .command('import')
  .description('upsert the roster from a CSV file, by member number')
  .argument('<file>', 'CSV with member_number,first_name,last_name,email[,status]')
  .option('--dry-run', 'check the file and report what would change, without changing anything', false)
  .action(async (file: string, opts: { dryRun: boolean }) => {
    const config = loadConfig();
    const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      console.error(`error: cannot read ${file}: ${e.code ?? e.message}`);
      process.exit(2);
    });
    // Read as the upload page reads a file: UTF-8 (BOM or not), else Windows-1252.
    const { text: csv } = await decodeRosterBytes(bytes).catch((e: Error) => {
      console.error(`error: ${file}: ${e.message}`);
      process.exit(1);
    });
    await runSomewhere(config, 'membersImport', { csv, fileName: path.basename(file), dryRun: opts.dryRun });
  });

program
  .command('demo')
  .description('fill an empty portal with fictional members for trying it out')
  .option('--members <n>', 'how many members', positiveInt, 500)
  .action((opts: { members: number }) => runSomewhere(loadConfig(), 'demo', { members: opts.members }));

program
  .command('backup')
  .description('write a consistent copy of the embedded database to FILE (also while serve runs)')
  .argument('<file>', 'where to write the backup (a .tar.gz)')
  .option('--force', 'replace FILE if it exists', false)
  .action((file: string, opts: { force: boolean }) => backupCommand(loadConfig(), file, opts.force));

program
  .command('restore')
  .description('restore a backup into DATA_DIR, which must be empty or not exist yet')
  .argument('<file>', 'a backup written by "gatehouse backup"')
  .action(async (file: string) => (await import('./restore.ts')).restoreCommand(loadConfig(), file));

addApiTokenCommands(program);

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  if (isAppError(e)) {
    console.error(`error: ${e.message}`);
    process.exit(e.code === 'unavailable' ? 2 : 1);
  }
  if (isDatabaseUnreachable(e)) {
    // Said plainly, without a stack: at start-up this is the operator's to fix (or a restart away).
    const reason = (e as { cause?: Error }).cause?.message ?? (e as Error).message;
    console.error(
      `error: cannot reach the database (${reason}). Check that PostgreSQL is running and DATABASE_URL is right.`,
    );
    process.exit(2);
  }
  const err = e as NodeJS.ErrnoException & { port?: number };
  if (err.code === 'EADDRINUSE') {
    console.error(
      `error: port ${err.port} is already in use. Stop the other program or set PORT to another port.`,
    );
    process.exit(2);
  }
  console.error(withoutStatementValues(e)); // a failed statement's values may be secrets: never print them
  process.exit(2);
}
