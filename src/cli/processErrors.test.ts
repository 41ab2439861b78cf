import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const processErrors = fileURLToPath(new URL('./processErrors.ts', import.meta.url));

/** Runs a tiny process that installs the handler and then lets one promise reject unhandled. */
function runWithRejection(opts: { reason: string; shuttingDown: boolean }) {
  const script = `
    import pino from 'pino';
    import { surviveDatabaseOutages } from ${JSON.stringify(processErrors)};
    const handler = surviveDatabaseOutages(pino({ level: 'silent' }));
    if (${opts.shuttingDown}) handler.shuttingDown();
    const reason = ${opts.reason};
    Promise.reject(reason);
    setTimeout(() => process.exit(0), 200);
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('unhandled rejections in serve and worker processes', () => {
  it('survives a database outage, and ends the process on anything else', () => {
    const outage = "Object.assign(new Error('terminating connection'), { code: '57P01' })";
    expect(runWithRejection({ reason: outage, shuttingDown: false }).status).toBe(0);
    const bug = "new Error('Cannot use a pool after calling end on the pool')";
    expect(runWithRejection({ reason: bug, shuttingDown: false }).status).toBe(1);
  });

  it('does not turn a clean stop into exit code 1 when a job settles on the closing pool', () => {
    const late = "new Error('Cannot use a pool after calling end on the pool')";
    expect(runWithRejection({ reason: late, shuttingDown: true }).status).toBe(0);
  });
});
