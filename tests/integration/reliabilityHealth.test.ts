import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { type Database, openPglite, openPostgres } from '../../src/db/connect.ts';
import { buildServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logging.ts';
import { createScratchDatabase, useTestApp } from '../harness.ts';

const app = useTestApp();

/** A second, throw-away app on its own database, which the test may then take away. */
async function appOnOwnDatabase() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let database: Database;
  let takeAway: () => Promise<void>;
  if (serverUrl) {
    const scratch = await createScratchDatabase(serverUrl, 'gatehouse_health');
    database = openPostgres(scratch.url, 2);
    takeAway = scratch.drop; // the pool keeps pointing at a database that no longer exists
  } else {
    database = await openPglite(undefined);
    takeAway = () => database.close();
  }
  await database.migrate();
  const own = await createApp(app.config, { database, logger: createLogger('silent') });
  const server = await buildServer(own);
  return {
    server,
    takeAway,
    async close() {
      await server.close();
      if (serverUrl) await database.close().catch(() => {});
    },
  };
}

describe('health endpoints', () => {
  it('answer 200 without a login, with bodies that reveal nothing else', async () => {
    const server = await app.server();
    const live = await server.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.body).toBe('ok');
    const ready = await server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.body).toBe('ready');
    expect(ready.headers['cache-control']).toBe('no-store');
  });

  it('are not held back by the public-POST flood limit', async () => {
    const server = await app.server();
    const limit = app.config.publicPostsPerMinute;
    for (let i = 0; i < limit + 5; i++) {
      const res = await server.inject({ method: 'GET', url: i % 2 ? '/healthz' : '/readyz' });
      expect(res.statusCode).toBe(200);
    }
  });

  it('/readyz answers 503 while a migration is missing, 200 again once it is back', async () => {
    const server = await app.server();
    const newest = (
      await app.database.executeSql(
        'select id, hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1',
        [],
      )
    ).rows[0] as { id: number; hash: string; created_at: string };
    await app.database.executeSql(`delete from drizzle.__drizzle_migrations where id = ${Number(newest.id)}`);
    try {
      const res = await server.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toBe('not ready');
      expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.database.executeSql(
        'insert into drizzle.__drizzle_migrations (id, hash, created_at) values ($1, $2, $3)',
        [newest.id, newest.hash, newest.created_at],
      );
    }
    expect((await server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('/readyz answers 503 when the database does not answer; /healthz still 200', async () => {
    const own = await appOnOwnDatabase();
    try {
      expect((await own.server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await own.takeAway();
      const res = await own.server.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toBe('not ready');
      expect((await own.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await own.close();
    }
  });
});
