import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, members } from '../../../src/db/schema.ts';
import type { ApiScope } from '../../../src/domain/apiTokens/apiTokenInput.ts';
import { apiClient, buildApiToken } from '../../api.ts';
import { buildLogin, buildMember } from '../../factories.ts';
import { useTestApp } from '../../harness.ts';

const app = useTestApp();

const ada = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', status: 'current' };

let tokens = 0;

const put = async (number: string, body: unknown, scopes?: ApiScope[]) => {
  tokens += 1;
  const token = await buildApiToken(app, { name: `CiviCRM sync ${tokens}`, scopes });
  return apiClient(await app.server(), token)(`/api/v1/members/${number}`, { method: 'PUT', body });
};

const memberNumbered = async (number: string) =>
  (await app.deps.db.select().from(members).where(eq(members.memberNumber, number)))[0];

describe('PUT /api/v1/members/{member_number}', () => {
  it('creates a member (201), updates one (200) and leaves an unchanged one alone (200), audited under the token', async () => {
    const created = await put('A1', ada);
    expect(created.statusCode).toBe(201);
    expect(created.json).toEqual({
      member_number: 'A1',
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.org',
      status: 'current',
      updated_at: app.clock.now().toISOString(),
      login: null,
      invitations: { sent: 0, last_sent_at: null, delivery_state: null },
    });
    expect(await memberNumbered('A1')).toMatchObject({
      firstName: 'Ada',
      email: 'ada@example.org',
      status: 'current',
    });

    app.clock.advance(60_000);
    const updated = await put('A1', { ...ada, last_name: 'King', status: 'lapsed' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json).toMatchObject({ last_name: 'King', status: 'lapsed' });
    expect(await memberNumbered('A1')).toMatchObject({ lastName: 'King', status: 'lapsed' });
    const updatedAt = (await memberNumbered('A1'))!.updatedAt;

    app.clock.advance(60_000);
    const same = await put('A1', { ...ada, last_name: 'King', status: 'lapsed', email: 'ADA@example.org' });
    expect(same.statusCode).toBe(200);
    expect(same.json.email).toBe('ada@example.org');
    expect((await memberNumbered('A1'))!.updatedAt).toEqual(updatedAt);

    const events = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'roster.imported'));
    expect(events.map((e) => e.actorLabel)).toEqual([1, 2, 3].map((n) => `API token “CiviCRM sync ${n}”`));
    expect(events.map((e) => (e.details as { added: number; updated: number }).added)).toEqual([1, 0, 0]);
  });

  it('checks the values by the roster rules, naming the field as the API spells it', async () => {
    const badEmail = await put('A2', { ...ada, email: 'not-an-address' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json.error).toMatchObject({ code: 'validation', field: 'email' });
    expect(badEmail.json.error.message).toMatch(/not a valid address/);

    const noName = await put('A2', { ...ada, first_name: '  ' });
    expect(noName.json.error).toMatchObject({
      code: 'validation',
      field: 'first_name',
      message: 'First name is required',
    });

    const badStatus = await put('A2', { ...ada, status: 'gone' });
    expect(badStatus.json.error).toMatchObject({ field: 'status' });

    const missing = await put('A2', { first_name: 'Ada', email: 'ada@example.org' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json.error.field).toBe('last_name');

    const spaced = await put('A%202', ada);
    expect(spaced.json.error).toMatchObject({ code: 'validation', field: 'member_number' });
    expect(await app.deps.db.select().from(members)).toEqual([]);
  });

  it("refuses to move an administrator's email with 409 naming email, and leaves it as it was", async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    const [record] = await app.deps.db.select().from(members).where(eq(members.id, admin.memberId));
    const res = await put(record!.memberNumber, { ...ada, email: 'attacker@evil.test' });
    expect(res.statusCode).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'conflict', field: 'email' });
    expect((await memberNumbered(record!.memberNumber))!.email).toBe(record!.email);
    // Her names may still change: only the address is hers to change, on her profile.
    const renamed = await put(record!.memberNumber, { ...ada, email: record!.email });
    expect(renamed.statusCode).toBe(200);
  });

  it("moves a member's login to a new address as an import does: audited under the token, the old address told", async () => {
    const login = await buildLogin(app, { role: 'member' });
    const [record] = await app.deps.db.select().from(members).where(eq(members.id, login.memberId));
    const res = await put(record!.memberNumber, { ...ada, email: 'new@example.org' });
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ email: 'new@example.org', login: { username: login.username } });
    const [moved] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'member.email_changed'));
    expect(moved).toMatchObject({
      memberId: login.memberId,
      actorLabel: expect.stringMatching(/^API token “CiviCRM sync/),
    });
  });

  it('needs the roster:write scope, and JSON', async () => {
    await buildMember(app, { memberNumber: 'A3' });
    const readOnly = await put('A3', ada, ['roster:read']);
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json.error.code).toBe('forbidden');

    const token = await buildApiToken(app, { scopes: ['roster:write'] });
    const csv = await apiClient(await app.server(), token)('/api/v1/members/A3', {
      method: 'PUT',
      payload: 'first_name,last_name,email\nAda,Lovelace,ada@example.org\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(csv.statusCode).toBe(415);
    expect(csv.json.error.message).toBeTruthy();
    expect((await memberNumbered('A3'))!.firstName).not.toBe('Ada');
  });
});
