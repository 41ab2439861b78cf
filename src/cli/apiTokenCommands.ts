import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { apiScopes } from '../domain/apiTokens/apiTokenInput.ts';
import { parseCreateArgs } from './apiTokenArgs.ts';
import { runSomewhere } from './runSomewhere.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `gatehouse api-token …`: tokens for the JSON API (CONTRACT.md, "JSON API v1"). */
export function addApiTokenCommands(program: Command): void {
  const tokens = program.command('api-token').description('API tokens for the JSON API (/api/v1)');
  tokens
    .command('create')
    .description('create an API token; it is printed once, alone on the last line')
    .requiredOption('--name <name>', 'which script or system will hold it')
    .option('--scope <scope>', `what it may do, repeat for more: ${apiScopes.join(', ')}`, collect, [])
    .option('--expires-days <n>', 'days until it stops working (default: it does not expire)')
    .action((opts: { name: string; scope: string[]; expiresDays?: string }) => {
      const config = loadConfig();
      const args = {
        name: opts.name,
        scopes: opts.scope,
        ...(opts.expiresDays === undefined ? {} : { expiresDays: opts.expiresDays }),
      };
      // Bad input is refused at once, before the database is opened (which takes a while) or asked.
      const parsed = parseCreateArgs(args);
      if ('problems' in parsed) {
        for (const line of parsed.problems) console.log(line);
        process.exit(1);
      }
      return runSomewhere(config, 'apiTokenCreate', args);
    });
  tokens
    .command('list')
    .description('list the API tokens (never the tokens themselves: their first characters)')
    .action(() => runSomewhere(loadConfig(), 'apiTokenList', {}));
  tokens
    .command('revoke')
    .description('revoke the API token with this name; it is refused from its next request on')
    .requiredOption('--name <name>', 'the token’s name')
    .action((opts: { name: string }) => runSomewhere(loadConfig(), 'apiTokenRevoke', { name: opts.name }));
}
