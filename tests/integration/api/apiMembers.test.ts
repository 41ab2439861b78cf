import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, members } from '../../../src/db/schema.ts';
import { createLogin } from '../../../src/domain/accounts/createLogin.ts';
import { readMemberRow } from '../../../src/domain/members/lockMemberRow.ts';
import { saveMember } from '../../../src/domain/members/saveMember.ts';
import { systemActor } from '../../../src/domain/policy.ts';
import { apiClient, buildApiToken } from '../../api.ts';
import { buildLogin, buildMember, GOOD_PASSWORD } from '../../factories.ts';
import { useTestApp } from '../../harness.ts';

const app = useTestApp();
const LIST = '/api/v1/members';

/** A client with a token that may read the roster (and only that). */
async function reader() {
  return apiClient(
    await app.server(),
    await buildApiToken(app, { name: 'CRM sync', scopes: ['roster:read'] }),
  );
}

async function giveLogin(memberId: number, username: string) {
  await createLogin(
    app.deps.db,
    { memberId, username, password: GOOD_PASSWORD, role: 'member', personalWords: [] },
    { now: app.clock.now(), passwordMinLength: app.config.passwordMinLength },
  );
}

/** The record setup makes for an administrator before the roster is imported (decision 0020). */
async function madeUpAdministrator(memberNumber: string) {
  const admin = await buildLogin(app, { role: 'security_admin' });
  await app.deps.db.update(members).set({ memberNumber }).where(eq(members.id, admin.memberId));
}

describe('GET /api/v1/members/{member_number}', () => {
  it('shows a member, their login and their invitations, timestamps in ISO 8601', async () => {
    const ada = await buildMember(app, { memberNumber: 'M-1', firstName: 'Ada', lastName: 'Byron' });
    await buildMember(app, { memberNumber: 'M-2', status: 'lapsed' });
    await giveLogin(ada.id, 'ada');
    const lastLoginAt = new Date('2026-01-14T08:30:00.123Z');
    await app.deps.db.update(accounts).set({ lastLoginAt }).where(eq(accounts.memberId, ada.id));
    const summary = {
      invitationsSent: 2,
      lastInvitedAt: new Date('2026-01-10T12:00:00Z'),
      deliveryState: 'sent' as const,
    };
    await app.deps.db.update(members).set(summary).where(eq(members.id, ada.id));
    const { member: stored } = await readMemberRow(app.deps.db, ada.id); // the login moved updated_at
    const call = await reader();

    const res = await call('/api/v1/members/M-1');
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({
      member_number: 'M-1',
      first_name: 'Ada',
      last_name: 'Byron',
      email: ada.email,
      status: 'current',
      updated_at: stored.updatedAt.toISOString(),
      login: {
        username: 'ada',
        created_at: '2026-01-15T09:00:00.000Z',
        last_login_at: '2026-01-14T08:30:00.123Z',
      },
      invitations: { sent: 2, last_sent_at: '2026-01-10T12:00:00.000Z', delivery_state: 'sent' },
    });

    const other = await call('/api/v1/members/M-2');
    expect(other.json).toMatchObject({
      member_number: 'M-2',
      status: 'lapsed',
      updated_at: '2026-01-15T09:00:00.000Z',
      login: null,
      invitations: { sent: 0, last_sent_at: null, delivery_state: null },
    });
  });

  it('answers an unknown number, and an administrator’s made-up one, with a JSON 404', async () => {
    await madeUpAdministrator('ADM-0a1b2c');
    const call = await reader();
    const res = await call('/api/v1/members/NOPE-1');
    expect(res.statusCode).toBe(404);
    expect(res.json.error).toEqual({ code: 'not_found', message: 'There is no member with number NOPE-1.' });
    expect((await call('/api/v1/members/ADM-0a1b2c')).statusCode).toBe(404);
    // An administrator's real roster record is a member like any other.
    const real = await buildLogin(app, { role: 'admin' });
    const [record] = await app.deps.db.select().from(members).where(eq(members.id, real.memberId));
    expect((await call(`/api/v1/members/${record!.memberNumber}`)).json.login.username).toBe(real.username);
  });

  it('needs the roster:read scope', async () => {
    await buildMember(app, { memberNumber: 'M-1' });
    const server = await app.server();
    const writer = apiClient(
      server,
      await buildApiToken(app, { scopes: ['roster:write', 'invitations:send'] }),
    );
    for (const path of ['/api/v1/members/M-1', LIST]) {
      const res = await writer(path);
      expect(res.statusCode).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
      expect(res.json.error.message).toMatch(/roster:read/);
      expect((await apiClient(server, null)(path)).statusCode).toBe(401);
    }
  });
});

describe('GET /api/v1/members', () => {
  it('lists every roster member in the order they were added, page by page, without made-up numbers', async () => {
    await madeUpAdministrator('ADM-0a1b2c');
    for (let i = 1; i <= 5; i++) await buildMember(app, { memberNumber: `M-${i}` });
    const call = await reader();

    const first = await call(`${LIST}?limit=2`);
    expect(first.statusCode).toBe(200);
    expect(first.json.data.map((m: { member_number: string }) => m.member_number)).toEqual(['M-1', 'M-2']);
    expect(first.json.data[0]).toEqual((await call('/api/v1/members/M-1')).json);
    const second = await call(`${LIST}?limit=2&cursor=${encodeURIComponent(first.json.next_cursor)}`);
    expect(second.json.data.map((m: { member_number: string }) => m.member_number)).toEqual(['M-3', 'M-4']);
    const last = await call(`${LIST}?limit=2&cursor=${encodeURIComponent(second.json.next_cursor)}`);
    expect(last.json).toMatchObject({ data: [{ member_number: 'M-5' }], next_cursor: null });

    const all = await call(LIST);
    expect(all.json.data).toHaveLength(5);
    expect(all.json.next_cursor).toBeNull();
  });

  it('pages 100 members by default, 1000 at most', async () => {
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower)
      select 'N' || lpad(g::text, 4, '0'), 'F', 'L', 'n' || g || '@example.org', 'n' || g || '@example.org'
      from generate_series(1, 1001) g`);
    const call = await reader();
    const byDefault = await call(LIST);
    expect(byDefault.json.data).toHaveLength(100);
    expect(byDefault.json.next_cursor).toEqual(expect.any(String));
    const most = await call(`${LIST}?limit=1000`);
    expect(most.json.data).toHaveLength(1000);
    expect(most.json.data.at(-1).member_number).toBe('N1000');
  });

  it('filters by login, status and time of the last change, together', async () => {
    const ada = await buildMember(app, { memberNumber: 'M-1' });
    await buildMember(app, { memberNumber: 'M-2', status: 'lapsed' });
    const cy = await buildMember(app, { memberNumber: 'M-3', status: 'lapsed' });
    await giveLogin(ada.id, 'ada');
    await giveLogin(cy.id, 'cyrus');
    const call = await reader();
    const numbers = async (query: string) =>
      (await call(`${LIST}?${query}`)).json.data.map((m: { member_number: string }) => m.member_number);

    expect(await numbers('has_login=true')).toEqual(['M-1', 'M-3']);
    expect(await numbers('has_login=false')).toEqual(['M-2']);
    expect(await numbers('status=lapsed')).toEqual(['M-2', 'M-3']);
    expect(await numbers('status=current&has_login=true')).toEqual(['M-1']);
    expect(await numbers('updated_since=2026-01-15T09:00:00Z&status=current')).toEqual(['M-1']);
    expect(await numbers('updated_since=2099-01-01T00:00:00%2B02:00')).toEqual([]);
  });

  it('picks up, with updated_since, a member changed and a member who just got a login', async () => {
    const changed = await buildMember(app, {
      memberNumber: 'M-1',
      firstName: 'Ada',
      lastName: 'Byron',
      email: 'ada@example.org',
    });
    const joining = await buildMember(app, { memberNumber: 'M-2' });
    await buildMember(app, { memberNumber: 'M-3' });
    app.clock.advance(60 * 60_000);
    const since = app.clock.now().toISOString();
    const call = await reader();
    expect((await call(`${LIST}?updated_since=${since}`)).json.data).toEqual([]);

    await saveMember(app.deps, systemActor(), {
      memberId: changed.id,
      memberNumber: 'M-1',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.org',
      status: 'current',
      shareEmail: false,
    });
    await giveLogin(joining.id, 'newcomer');
    const res = await call(`${LIST}?updated_since=${since}`);
    expect(res.json.data.map((m: { member_number: string }) => m.member_number)).toEqual(['M-1', 'M-2']);
    expect(res.json.data[0]).toMatchObject({ last_name: 'Lovelace', updated_at: since });
    expect(res.json.data[1].login.username).toBe('newcomer');
    expect(Date.parse(res.json.data[1].updated_at)).toBeGreaterThanOrEqual(Date.parse(since));
  });

  it('refuses a bad limit, filter or date naming the query parameter', async () => {
    const call = await reader();
    const cases: [string, string, RegExp][] = [
      ['limit=1001', 'limit', /1 to 1000/],
      ['limit=0', 'limit', /1 to 1000/],
      ['limit=ten', 'limit', /whole number/],
      ['limit=2.5', 'limit', /whole number/],
      ['has_login=yes', 'has_login', /true or false/],
      ['status=former', 'status', /current or lapsed/],
      ['updated_since=yesterday', 'updated_since', /ISO 8601/],
      ['updated_since=2026-02-30T00:00:00Z', 'updated_since', /ISO 8601/],
      ['updated_since=2026-01-15T09:00:00', 'updated_since', /offset/],
    ];
    for (const [query, field, message] of cases) {
      const res = await call(`${LIST}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json.error, query).toMatchObject({
        code: 'validation',
        field,
        message: expect.stringMatching(message),
      });
    }
  });

  it('refuses a cursor it did not give out, or one that was changed, on cursor', async () => {
    for (let i = 1; i <= 3; i++) await buildMember(app, { memberNumber: `M-${i}` });
    const call = await reader();
    const { next_cursor: cursor } = (await call(`${LIST}?limit=1`)).json;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const edited = [
      'not-a-cursor',
      `${cursor}x`,
      Buffer.from(JSON.stringify({ ...decoded, k: ['1; drop table members'] })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...decoded, s: 'name.asc' })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...decoded, k: [1.5] })).toString('base64url'),
    ];
    for (const bad of edited) {
      const res = await call(`${LIST}?cursor=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json.error, bad).toMatchObject({ code: 'validation', field: 'cursor' });
    }
    expect((await call(`${LIST}?cursor=`)).json.error.field).toBe('cursor');
  });

  it('documents its parameters and the Member schema in the OpenAPI document', async () => {
    const doc = (await (await reader())('/api/v1/openapi.json')).json;
    const list = doc.paths['/api/v1/members'].get;
    const params = Object.fromEntries(list.parameters.map((p: { name: string }) => [p.name, p]));
    expect(Object.keys(params).sort()).toEqual(['cursor', 'has_login', 'limit', 'status', 'updated_since']);
    expect(params.limit.schema).toMatchObject({ maximum: 1000, default: 100 });
    expect(params.updated_since.description).toMatch(/at or after/);
    expect(doc.components.schemas.Member.properties.login).toBeDefined();
    expect(doc.paths['/api/v1/members/{member_number}'].get.responses['404']).toBeDefined();
  });
});
