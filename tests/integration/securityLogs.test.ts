import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { accounts } from '../../src/db/schema.ts';
import { buildServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logging.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();

/** A real pino logger of the portal's own making, writing into a string. */
function capturedLogger() {
  let output = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      output += chunk;
      done();
    },
  });
  return { logger: createLogger('info', stream), output: () => output };
}

const SECRET_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$U0VDUkVULUhBU0gtRE8tTk9ULUxPRw';

// Item 11 of issue 9: a failed statement was logged with its parameters, and an argon2 hash was printed.
describe('a failed database statement in the log', () => {
  it('keeps the statement and the error code, never the parameters', async () => {
    const { logger, output } = capturedLogger();
    const err = await app.deps.db
      .insert(accounts)
      .values({
        memberId: 999_999, // no such member: the foreign key refuses the row
        username: 'ghost',
        usernameLower: 'ghost',
        passwordHash: SECRET_HASH,
        role: 'member',
        createdAt: app.clock.now(),
        passwordChangedAt: app.clock.now(),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    logger.error({ err }, 'unexpected error');
    const logged = output();
    expect(logged).not.toContain('c2VjcmV0c2FsdA');
    expect(logged).not.toContain('ghost');
    expect(logged).toContain('insert into \\"accounts\\"');
    expect(logged).toContain('"code":"23503"');
  });

  it('stays out of the log of a request that failed on one (a 500 at login)', async () => {
    const login = await buildLogin(app);
    const { logger, output } = capturedLogger();
    const server = await buildServer({ deps: app.deps, database: app.database, logger } as App);
    // A broken sessions table makes the login's insert of the session's token hash fail.
    await app.deps.db.execute(sql`
      create or replace function refuse_sessions() returns trigger language plpgsql as
      $$ begin raise exception 'sessions are refused for this test'; end $$`);
    await app.deps.db.execute(sql`
      create trigger refuse_sessions before insert on sessions for each row execute function refuse_sessions()`);
    try {
      const res = await browser(server).logIn(login.username, login.password);
      expect(res.statusCode).toBe(500);
      const logged = output();
      expect(logged).toContain('sessions are refused for this test');
      expect(logged).toContain('insert into sessions');
      // The session's token hash (64 hex digits) was a parameter of that statement.
      expect(logged).not.toMatch(/[0-9a-f]{64}/);
      expect(logged).not.toContain('params');
    } finally {
      await app.deps.db.execute(sql`drop trigger refuse_sessions on sessions`);
      await server.close();
    }
  });
});

// ASVS V16.3.1/16.3.2: refused logins and refused pages are logged as events, without what was typed.
describe('security events in the log', () => {
  it('names a failed and a successful login and a refused page, never the typed password', async () => {
    const login = await buildLogin(app);
    const { logger, output } = capturedLogger();
    const server = await buildServer({ deps: app.deps, database: app.database, logger } as App);
    try {
      const member = browser(server);
      expect((await member.logIn(login.username, 'typed-Secret-never-logged')).statusCode).toBe(401);
      expect((await member.logIn(login.username, login.password)).statusCode).toBe(303);
      expect((await member.get('/admin')).statusCode).toBe(403);
      const events = output()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event?: string })
        .map((entry) => entry.event)
        .filter(Boolean);
      expect(events).toEqual(['login.failed', 'login.succeeded', 'refused.forbidden']);
      expect(output()).not.toContain('typed-Secret-never-logged');
    } finally {
      await server.close();
    }
  });
});
