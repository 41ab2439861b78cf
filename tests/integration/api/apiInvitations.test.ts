import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents, emailMessages, invitationRounds, members } from '../../../src/db/schema.ts';
import { deliverDueEmail } from '../../../src/domain/email/deliverDueEmail.ts';
import { purgeOldFormSubmissions } from '../../../src/domain/forms/repeatSafeSubmission.ts';
import { apiClient, buildApiToken } from '../../api.ts';
import { buildLogin, buildMember } from '../../factories.ts';
import { useTestApp } from '../../harness.ts';
import { useSmtpSink } from '../../smtpSink.ts';

const app = useTestApp();
const smtp = useSmtpSink();

const ROUNDS = '/api/v1/invitation-rounds';
const sendTo = (memberNumber: string) => `/api/v1/members/${encodeURIComponent(memberNumber)}/invitations`;

async function client(scopes: Parameters<typeof buildApiToken>[1] = {}) {
  return apiClient(await app.server(), await buildApiToken(app, { name: 'CiviCRM sync', ...scopes }));
}

const deliver = () => deliverDueEmail(app.deps, smtp.mailer);
const auditOf = async (action: string) =>
  (await app.deps.db.select().from(auditEvents)).filter((e) => e.action === action);

describe('POST /api/v1/members/{member_number}/invitations', () => {
  it('queues one invitation as the row’s Send does, delivered to the member, audited under the token’s name', async () => {
    const member = await buildMember(app, { memberNumber: 'CRM-1042', firstName: 'Ada' });
    const call = await client();
    const before = smtp.sink.messages.length;

    const res = await call(sendTo('CRM-1042'), { method: 'POST' });
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual({ round_id: expect.any(Number), total: 1 });
    const [queued] = await app.deps.db.select().from(emailMessages);
    expect(queued).toMatchObject({ memberId: member.id, roundId: res.json.round_id, state: 'queued' });

    await deliver();
    const [mail] = (await smtp.sink.waitForMessages(before + 1)).slice(before);
    expect(mail!.to).toEqual([member.email]);
    expect(mail!.text).toMatch(/http:\/\/portal\.test\/invite\//);
    // The email speaks for the organisation; the rounds pages say the token started the round.
    expect(mail!.text).toMatch(/^Gatehouse invites you/m);
    const [started] = await app.deps.db.select().from(invitationRounds);
    expect(started!.startedByLabel).toBe('API token “CiviCRM sync”');
    const [logged] = await app.deps.db.select().from(emailMessages);
    expect(logged!.state).toBe('sent');

    const [event] = await auditOf('invitation.send');
    expect(event).toMatchObject({
      actorLabel: 'API token “CiviCRM sync”',
      actorAccountId: null,
      memberId: member.id,
    });
    expect(event!.details).toEqual({ roundId: res.json.round_id });

    const round = await call(`${ROUNDS}/${res.json.round_id}`);
    expect(round.json).toMatchObject({ kind: 'single', state: 'finished', total: 1, sent: 1, remaining: 0 });
  });

  it('answers 404 for an unknown number and 409 for a member who has already logged in', async () => {
    const call = await client();
    const unknown = await call(sendTo('NOPE-1'), { method: 'POST' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json.error).toMatchObject({
      code: 'not_found',
      message: 'There is no member with number NOPE-1.',
    });

    const admin = await buildLogin(app, { role: 'admin' });
    const [record] = await app.deps.db.select().from(members).where(eq(members.id, admin.memberId));
    const number = record!.memberNumber;
    // A login that was never used may still be sent an invitation (completing it replaces the login).
    const neverUsed = await call(sendTo(number), { method: 'POST' });
    expect(neverUsed.statusCode).toBe(202);

    await app.deps.db
      .update(accounts)
      .set({ lastLoginAt: app.clock.now() })
      .where(eq(accounts.id, admin.accountId));
    const used = await call(sendTo(number), { method: 'POST' });
    expect(used.statusCode).toBe(409);
    expect(used.json.error.code).toBe('conflict');
    expect(used.json.error.message).toMatch(/has already logged in/);
    expect(await app.deps.db.select().from(invitationRounds)).toHaveLength(1);
  });
});

describe('POST /api/v1/invitation-rounds', () => {
  it('starts Send All with its defaults, and the round’s numbers move from remaining to sent as the worker delivers', async () => {
    const [a, b, slow] = [await buildMember(app), await buildMember(app), await buildMember(app)];
    await buildMember(app, { status: 'lapsed' });
    await buildLogin(app, { role: 'admin' });
    const call = await client();

    const res = await call(ROUNDS, { method: 'POST', body: { scope: 'all' } });
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual({ round_id: expect.any(Number), total: 3 });
    const round = `${ROUNDS}/${res.json.round_id}`;
    expect((await call(round)).json).toEqual({
      round_id: res.json.round_id,
      kind: 'send_all',
      state: 'running',
      total: 3,
      sent: 0,
      failed: 0,
      not_sent: 0,
      remaining: 3,
      started_at: '2026-01-15T09:00:00.000Z',
      finished_at: null,
    });

    // One mailbox's server says "try later": the others are sent, that one is still to go.
    smtp.sink.respondTo.set(slow.email, { code: 451, message: 'Try again later' });
    const before = smtp.sink.messages.length;
    await deliver();
    const partly = (await call(round)).json;
    expect(partly).toMatchObject({ state: 'running', sent: 2, remaining: 1, failed: 0 });
    expect(
      (await smtp.sink.waitForMessages(before + 2))
        .slice(before)
        .flatMap((m) => m.to)
        .sort(),
    ).toEqual([a.email, b.email].sort());

    smtp.sink.respondTo.delete(slow.email);
    app.clock.advance(24 * 3_600_000);
    await deliver();
    const done = (await call(round)).json;
    expect(done).toMatchObject({
      state: 'finished',
      sent: 3,
      remaining: 0,
      finished_at: app.clock.now().toISOString(),
    });

    const [event] = await auditOf('invitation.send_all');
    expect(event!.actorLabel).toBe('API token “CiviCRM sync”');
    expect(event!.details).toMatchObject({
      roundId: res.json.round_id,
      total: 3,
      includeLapsed: false,
      skipRecentHours: 24,
    });
  });

  it('refuses a second Send All while one runs, naming the running round', async () => {
    await buildMember(app);
    const call = await client();
    const first = await call(ROUNDS, { method: 'POST', body: { scope: 'all' } });
    const second = await call(ROUNDS, { method: 'POST', body: { scope: 'all' } });
    expect(second.statusCode).toBe(409);
    expect(second.json.error.code).toBe('conflict');
    expect(second.json.error.message).toContain(`Its round id is ${first.json.round_id}`);
    expect(await app.deps.db.select().from(invitationRounds)).toHaveLength(1);
  });

  it('answers 202 with an empty, finished round when nobody is left to invite', async () => {
    await buildLogin(app, { role: 'admin' });
    const call = await client();
    const res = await call(ROUNDS, { method: 'POST', body: { scope: 'all' } });
    expect(res.statusCode).toBe(202);
    expect(res.json.total).toBe(0);
    expect((await call(`${ROUNDS}/${res.json.round_id}`)).json).toMatchObject({
      state: 'finished',
      total: 0,
      remaining: 0,
    });
    // …and it does not hold up the next Send All.
    await buildMember(app);
    expect((await call(ROUNDS, { method: 'POST', body: { scope: 'all' } })).json.total).toBe(1);
  });

  it('takes the page’s filters and options, refused with the page’s words on the API’s field names', async () => {
    await buildMember(app, { lastName: 'Okafor' });
    await buildMember(app, { lastName: 'Okafor', status: 'lapsed' });
    await buildMember(app, { lastName: 'Smith' });
    const call = await client();

    const badDay = await call(ROUNDS, { method: 'POST', body: { scope: 'all', sent_before: '2026-02-30' } });
    expect(badDay.statusCode).toBe(400);
    expect(badDay.json.error).toMatchObject({ code: 'validation', field: 'sent_before' });
    expect(badDay.json.error.message).toMatch(/year-month-day/);
    const badScope = await call(ROUNDS, { method: 'POST', body: { scope: 'everyone' } });
    expect(badScope.json.error).toMatchObject({ code: 'validation', field: 'scope' });
    const badHours = await call(ROUNDS, { method: 'POST', body: { scope: 'all', skip_recent_hours: -1 } });
    expect(badHours.json.error.field).toBe('skip_recent_hours');
    expect(await app.deps.db.select().from(invitationRounds)).toHaveLength(0);

    const res = await call(ROUNDS, {
      method: 'POST',
      body: { scope: 'all', search: 'okafor', include_lapsed: true },
    });
    expect(res.json.total).toBe(2);
  });
});

describe('GET /api/v1/invitation-rounds/{round_id} and the scopes', () => {
  it('answers 404 for an unknown round and 400 for an id that is not one', async () => {
    const call = await client();
    const missing = await call(`${ROUNDS}/999`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
    expect((await call(`${ROUNDS}/abc`)).statusCode).toBe(400);
  });

  it('needs the invitations:send scope for all three (403 without it, 401 without a token)', async () => {
    const member = await buildMember(app);
    const reader = await client({ scopes: ['roster:read', 'roster:write'] });
    const sender = await client({ name: 'sender', scopes: ['invitations:send'] });
    const { round_id } = (await sender(ROUNDS, { method: 'POST', body: { scope: 'all' } })).json;

    for (const [path, method, body] of [
      [sendTo(member.memberNumber), 'POST', undefined],
      [ROUNDS, 'POST', { scope: 'all' }],
      [`${ROUNDS}/${round_id}`, 'GET', undefined],
    ] as const) {
      const refused = await reader(path, { method, body });
      expect(refused.statusCode).toBe(403);
      expect(refused.json.error.message).toMatch(/invitations:send/);
      expect((await apiClient(await app.server(), null)(path, { method, body })).statusCode).toBe(401);
    }
    expect(await app.deps.db.select().from(invitationRounds)).toHaveLength(1);
  });

  it('lists the three operations in the OpenAPI document', async () => {
    const doc = (await apiClient(await app.server(), null)('/api/v1/openapi.json')).json;
    expect(Object.keys(doc.paths['/api/v1/members/{member_number}/invitations'])).toEqual(['post']);
    expect(doc.paths['/api/v1/invitation-rounds'].post.responses).toHaveProperty('409');
    expect(doc.paths['/api/v1/invitation-rounds/{round_id}'].get.responses).toHaveProperty('404');
  });
});

describe('Idempotency-Key on the two POSTs', () => {
  const KEY = '3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f';
  const keyed = (key = KEY) => ({ method: 'POST' as const, headers: { 'idempotency-key': key } });

  it('answers a repeated Send with the first answer: one round, one email, one audit event', async () => {
    const member = await buildMember(app, { memberNumber: 'CRM-7' });
    const call = await client();
    const before = smtp.sink.messages.length;

    const first = await call(sendTo('CRM-7'), keyed());
    const again = await call(sendTo('CRM-7'), keyed());
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json).toEqual(first.json);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.headers['idempotent-replayed']).toBe('true');

    await deliver();
    // A third try after delivery (the script never saw an answer) still sends nothing.
    expect((await call(sendTo('CRM-7'), keyed())).json).toEqual(first.json);
    await deliver();
    expect(smtp.sink.messages.slice(before).flatMap((m) => m.to)).toEqual([member.email]);
    expect(await app.deps.db.select().from(invitationRounds)).toHaveLength(1);
    expect(await auditOf('invitation.send')).toHaveLength(1);

    // Without a key, a repeat is a new request (a deliberate second Send).
    expect((await call(sendTo('CRM-7'), { method: 'POST' })).json.round_id).not.toBe(first.json.round_id);
  });

  it('makes one round of two copies of a request sent at the same moment', async () => {
    await buildMember(app, { memberNumber: 'TWIN-1' });
    const call = await client();
    const [a, b] = await Promise.all([call(sendTo('TWIN-1'), keyed()), call(sendTo('TWIN-1'), keyed())]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json).toEqual(b.json);
    expect(await app.deps.db.select().from(emailMessages)).toHaveLength(1);
  });

  it('answers a repeated Send All with its round, not with “already running”', async () => {
    await buildMember(app);
    const call = await client();
    const first = await call(ROUNDS, { ...keyed(), body: { scope: 'all' } });
    const again = await call(ROUNDS, { ...keyed(), body: { scope: 'all' } });
    expect(again.statusCode).toBe(202);
    expect(again.json).toEqual({ round_id: first.json.round_id, total: 1 });
    expect(await app.deps.db.select().from(emailMessages)).toHaveLength(1);

    const otherFilters = await call(ROUNDS, { ...keyed(), body: { scope: 'all', include_lapsed: true } });
    expect(otherFilters.statusCode).toBe(409);
    expect(otherFilters.json.error).toMatchObject({ code: 'conflict', field: 'idempotency-key' });
  });

  it('keeps keys per token and per request, for 24 hours, and refuses a key that is not one', async () => {
    await buildMember(app, { memberNumber: 'A-1' });
    await buildMember(app, { memberNumber: 'B-2' });
    const call = await client();
    const first = await call(sendTo('A-1'), keyed());

    const otherMember = await call(sendTo('B-2'), keyed());
    expect(otherMember.statusCode).toBe(409);
    expect(otherMember.json.error.message).toMatch(/already used for a different request/);
    const otherToken = await client({ name: 'second script' });
    expect((await otherToken(sendTo('A-1'), keyed())).json.round_id).not.toBe(first.json.round_id);

    // Housekeeping's 10-minute purge of the forms' keys leaves a token's keys alone until their day is over.
    app.clock.advance(23 * 3_600_000);
    expect(await purgeOldFormSubmissions(app.deps)).toBe(0);
    expect((await call(sendTo('A-1'), keyed())).json).toEqual(first.json);
    app.clock.advance(3_600_000);
    const nextDay = await call(sendTo('A-1'), keyed());
    expect(nextDay.json.round_id).not.toBe(first.json.round_id);

    const bad = await call(sendTo('A-1'), keyed('not a key'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json.error.field).toBe('idempotency-key');
  });

  it('lets a refused request be sent again with its key once the problem is put right', async () => {
    const call = await client();
    expect((await call(sendTo('LATE-1'), keyed())).statusCode).toBe(404);
    await buildMember(app, { memberNumber: 'LATE-1' });
    const res = await call(sendTo('LATE-1'), keyed());
    expect(res.statusCode).toBe(202);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });
});
