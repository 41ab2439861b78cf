import { eq, inArray, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accounts, auditEvents, loginClearRequests, loginClears, members } from '../../src/db/schema.ts';
import { clearLoginsIn } from '../../src/domain/clearAllUsernames/clearLogins.ts';
import { updateMemberLists } from '../../src/domain/clearAllUsernames/memberLists.ts';
import { settleInterruptedRequests } from '../../src/domain/clearAllUsernames/runLoginClearRequest.ts';
import { startSendAll } from '../../src/domain/invitations/queueInvitations.ts';
import type { JobQueue } from '../../src/jobs/queue.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { runQueuedLoginClearJobs } from '../loginClearJobs.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const CODES = '/admin/member-management/invitation-codes';
const CLEAR = `${CODES}/clear-all-usernames`;

let worker: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

/** A Security Administrator signed in and three members with logins. */
async function portal() {
  const server = await app.server();
  const me = await buildLogin(app, { role: 'security_admin' });
  const members = [await buildLogin(app), await buildLogin(app), await buildLogin(app)];
  const b = browser(server);
  await b.logIn(me.username, me.password);
  return { me, members, b };
}

const accountCount = async () => (await app.deps.db.select().from(accounts)).length;
const auditOf = (action: string) =>
  app.deps.db.select().from(auditEvents).where(eq(auditEvents.action, action));
/** What the request's page says in its live region, and its State. */
async function shown(b: ReturnType<typeof browser>, location: string) {
  const page = readPage((await b.get(location)).body);
  return { status: page.status(), text: page.text };
}

describe('Clear All Usernames as a background job', () => {
  it('answers at once with a waiting request; the worker’s job then does it, with its audit event', async () => {
    const { b, me } = await portal();
    const asked = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 3 logins', password: me.password });
    expect(asked.statusCode).toBe(303);
    const location = asked.headers.location as string;
    expect(location).toMatch(/\/clear-all-usernames\/requests\/\d+$/);
    // Recorded (who, when, how many), nothing removed yet.
    const [request] = await app.deps.db.select().from(loginClearRequests);
    expect(request).toMatchObject({ kind: 'clear', confirmed: 3, actorLabel: me.username, startedAt: null });
    expect(request!.requestedAt).toEqual(app.clock.now());
    expect(await accountCount()).toBe(4);
    expect(await auditOf('logins.cleared_all')).toHaveLength(0);
    expect((await shown(b, location)).status).toBe('Waiting for the worker: removing 3 logins.');

    // Only one at a time: the form says so, and a second clear or a restore is refused.
    expect(readPage((await b.get(CLEAR)).body).text).toContain('is still waiting or running');
    const second = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 3 logins', password: me.password });
    expect(second.statusCode).toBe(409);
    expect(readPage(second.body).errorFor('Confirmation')).toContain('Only one can run at a time');

    expect(await runQueuedLoginClearJobs(app)).toBe(1);
    expect(await accountCount()).toBe(1);
    const done = await shown(b, location);
    expect(done.status).toBe('Removed 3 logins. Those members are back in Invitation Codes.');
    expect(done.text).toContain('Done');
    const [event] = await auditOf('logins.cleared_all');
    expect(event).toMatchObject({ actorAccountId: me.accountId, actorLabel: me.username });
    expect(event!.details).toMatchObject({ removed: 3, includedAdmins: false });
    // Finished: another may be asked for.
    expect(readPage((await b.get(CLEAR)).body).text).not.toContain('is still waiting or running');
  });

  it('fails without changing anything when the number of logins changed before the job ran', async () => {
    const { b, me } = await portal();
    const asked = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 3 logins', password: me.password });
    await buildLogin(app); // a member joins before the worker gets to it
    await runQueuedLoginClearJobs(app);
    const page = await shown(b, asked.headers.location as string);
    expect(page.status).toContain('Failed: The number of logins has changed');
    expect(page.status).toContain('"clear 4 logins"');
    expect(await accountCount()).toBe(5);
    expect(await app.deps.db.select().from(loginClears)).toHaveLength(0);
    expect(await auditOf('logins.cleared_all')).toHaveLength(0);
    const again = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 4 logins', password: me.password });
    expect(again.statusCode).toBe(303);
  });

  it('says so when the worker died mid-way: nothing changed (one transaction), and it can be asked again', async () => {
    const { b, me } = await portal();
    const asked = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 3 logins', password: me.password });
    const location = asked.headers.location as string;
    // A worker took it (as the job's first step does) and was killed before its transaction committed.
    await app.deps.db.execute(sql`update login_clear_requests set started_at = ${app.clock.now()}`);
    expect((await shown(b, location)).status).toBe('Running: removing 3 logins.');
    // Another worker's sweep leaves a request alone for two minutes (its transaction may just be starting).
    expect(await settleInterruptedRequests(app.deps)).toBe(0);
    app.clock.advance(3 * 60_000);
    expect(await settleInterruptedRequests(app.deps)).toBe(1);
    expect((await shown(b, location)).status).toContain('Failed: The worker stopped before this finished');
    expect(await accountCount()).toBe(4);
    await b.logIn(me.username, me.password);
    const again = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 3 logins', password: me.password });
    expect(again.statusCode).toBe(303);
  });

  it('removes the logins at once and lets the member lists follow; a stop in between is finished, not failed', async () => {
    const { b, me, members: cleared } = await portal();
    const asked = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 3 logins', password: me.password });
    const location = asked.headers.location as string;
    const ids = cleared.map((m) => m.memberId).sort((x, y) => x - y);
    const hasLogin = async () =>
      (
        await app.deps.db
          .select({ id: members.id, hasLogin: members.hasLogin })
          .from(members)
          .where(inArray(members.id, ids))
          .orderBy(members.id)
      ).map((m) => m.hasLogin);
    // What a worker killed right after the clear's commit leaves: logins gone, `done` set, and the first
    // of the members brought up to date by its first batch, the cursor on her.
    await app.deps.db.transaction(async (tx) => {
      const now = app.clock.now();
      const { clearId, removed } = await clearLoginsIn(tx, now, me.actor, {
        includeAdmins: false,
        confirmed: 3,
      });
      await tx.execute(sql`update members set has_login = false where id = ${ids[0]!}::bigint`);
      await tx
        .update(loginClearRequests)
        .set({ startedAt: now, clearId, done: removed, membersCursor: ids[0]!, membersUpdated: 1 });
    });
    expect(await accountCount()).toBe(1);
    const [request0] = await app.deps.db.select().from(loginClearRequests);
    // The clear itself left has_login alone: the lists are what is left to do.
    expect(await hasLogin()).toEqual([false, true, true]);
    app.clock.advance(3 * 60_000);
    expect(await settleInterruptedRequests(app.deps, { everything: true })).toBe(0);
    const following = await shown(b, location);
    expect(following.status).toBe('Removed 3 logins. Updating the member lists: 1 of 3 members.');
    expect(following.text).toMatch(/State\s*Updating the member lists\s*Asked for/);
    // Invitation Codes says so where Send All would be.
    const codes = readPage((await b.get(CODES)).body);
    expect(codes.text).toContain(
      'A Clear All Usernames is under way. Removed 3 logins. Updating the member lists: 1 of 3 members. Send All can start once it has finished',
    );
    expect(codes.text).not.toContain('Send All emails an invitation');
    // Send All would read its audience from half-updated lists: it waits, and says why.
    await expect(startSendAll(app.deps, me.actor)).rejects.toThrow(
      'A Clear All Usernames is still running, and who has a login is changing. Start Send All once it has finished.',
    );

    // A worker that is stopping leaves before its next batch.
    await updateMemberLists(app.deps, request0!.id, AbortSignal.abort());
    expect(await hasLogin()).toEqual([false, true, true]);

    await app.deps.jobs.loginClearDue?.();
    await runQueuedLoginClearJobs(app);
    expect(await hasLogin()).toEqual([false, false, false]);
    const [request] = await app.deps.db.select().from(loginClearRequests);
    // Continued from the cursor: the two members after it, not the first one again.
    expect(request).toMatchObject({ membersUpdated: 3, membersCursor: ids[2], failure: null });
    expect(request!.finishedAt).not.toBeNull();
    expect((await shown(b, location)).status).toBe(
      'Removed 3 logins. Those members are back in Invitation Codes.',
    );
    expect(readPage((await b.get(CODES)).body).text).toContain('Send All emails an invitation');
    expect((await startSendAll(app.deps, me.actor)).total).toBe(3);
  });

  it('is run by the worker itself, Restore too, each page ending with the outcome', async () => {
    const { b, me } = await portal();
    worker = await startWorker({
      deps: app.deps,
      jobs: app.deps.jobs as JobQueue,
      logger: app.logger,
      singleProcess: app.database.singleProcess,
    });
    const asked = await b.submit(CLEAR, CLEAR, { confirmation: 'clear 3 logins', password: me.password });
    const location = asked.headers.location as string;
    // Finished, member lists included: a Restore asked for while they follow would be refused as busy.
    await vi.waitFor(
      async () =>
        expect((await shown(b, location)).status).toBe(
          'Removed 3 logins. Those members are back in Invitation Codes.',
        ),
      { timeout: 30_000, interval: 250 },
    );
    const [clear] = await app.deps.db.select().from(loginClears);
    const restore = `${CLEAR}/${clear!.id}/restore`;
    const restoring = await b.submit(restore, restore, {});
    expect(restoring.statusCode).toBe(303);
    const restoreLocation = restoring.headers.location as string;
    await vi.waitFor(
      async () =>
        expect((await shown(b, restoreLocation)).status).toBe(
          'Restored 3 logins; 0 logins could not come back.',
        ),
      { timeout: 30_000, interval: 250 },
    );
    expect(await accountCount()).toBe(4);
    expect(await auditOf('logins.restored')).toHaveLength(1);
  });
});
