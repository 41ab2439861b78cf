import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiTokens } from '../../../src/db/schema.ts';
import { apiClient, buildApiToken } from '../../api.ts';
import { browser, buildLogin } from '../../factories.ts';
import { useTestApp } from '../../harness.ts';

const app = useTestApp({ API_REQUESTS_PER_MINUTE: '8' });

describe('JSON API tokens at the door', () => {
  it('answers a working token with its name and scopes, and notes its last use', async () => {
    const token = await buildApiToken(app, { name: 'CiviCRM sync', scopes: ['roster:read'] });
    const res = await apiClient(await app.server(), token)('/api/v1/token');
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ name: 'CiviCRM sync', scopes: ['roster:read'] });
    const [row] = await app.deps.db.select().from(apiTokens);
    expect(row!.lastUsedAt).toEqual(app.clock.now());
    expect(row!.tokenHash).not.toContain(token.slice(3));
  });

  it('refuses no token, an unknown one, a revoked one and an expired one with 401 and a JSON error', async () => {
    const server = await app.server();
    const none = await apiClient(server, null)('/api/v1/token');
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json.error.code).toBe('unauthenticated');

    expect((await apiClient(server, 'gh_made-up')('/api/v1/token')).statusCode).toBe(401);

    const revoked = await buildApiToken(app, { name: 'old' });
    await app.deps.db.update(apiTokens).set({ revokedAt: app.clock.now() }).where(eq(apiTokens.name, 'old'));
    const r = await apiClient(server, revoked)('/api/v1/token');
    expect(r.statusCode).toBe(401);
    expect(r.json.error.message).toMatch(/revoked/);

    const expiring = await buildApiToken(app, { name: 'short', expiresDays: 1 });
    expect((await apiClient(server, expiring)('/api/v1/token')).statusCode).toBe(200);
    app.clock.advance(86_400_000);
    const e = await apiClient(server, expiring)('/api/v1/token');
    expect(e.statusCode).toBe(401);
    expect(e.json.error.message).toMatch(/expired/);
  });

  it('never takes a session cookie under /api/', async () => {
    const admin = await buildLogin(app, { role: 'security_admin' });
    const b = browser(await app.server());
    await b.logIn(admin.username, admin.password);
    const res = await b.get('/api/v1/token');
    expect(res.statusCode).toBe(401);
  });

  it('limits requests per token with 429 and Retry-After, other tokens unaffected', async () => {
    const server = await app.server();
    const busy = apiClient(server, await buildApiToken(app));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await busy('/api/v1/token')).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
    const limited = await busy('/api/v1/token');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json.error.code).toBe('rate_limited');
    expect((await apiClient(server, await buildApiToken(app))('/api/v1/token')).statusCode).toBe(200);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await apiClient(await app.server(), null)('/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });

  it('describes itself as OpenAPI 3.1, and as a page for people at /api/docs', async () => {
    const server = await app.server();
    const doc = (await apiClient(server, null)('/api/v1/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/token'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths).every((p: string) => p.startsWith('/api/v1/'))).toBe(true);
    const page = await server.inject('/api/docs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('GET /api/v1/token');
  });
});
